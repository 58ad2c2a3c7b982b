//! A clock the test moves by hand.

use chrono::{DateTime, Utc};
use consultation_form::clock::Clock;
use std::sync::Mutex;

pub struct TestClock(Mutex<DateTime<Utc>>);

impl Default for TestClock {
    fn default() -> Self {
        Self(Mutex::new(Utc::now()))
    }
}

impl TestClock {
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn now_plus(&self, by: chrono::Duration) -> DateTime<Utc> {
        *self.0.lock().unwrap() + by
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}
