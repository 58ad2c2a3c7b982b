//! The practice's own questions: declared in one file in the repository (`questions.toml`),
//! compiled into the function and read once per cold start. Which ones are asked, of which type,
//! whether an answer is personal, and which clinician profile field it routes on. Their words are
//! in the catalogues (`locales/*/questions.ftl`); the region list is ISO 3166's (`regions.tsv`).

mod file;
mod regions;

pub use file::QuestionsError;
pub use regions::{Region, region_list};

use std::sync::LazyLock;

/// The questions file this build was compiled with (a test build may point at another one).
pub const COMPILED_PATH: &str = env!("CONSULTATION_QUESTIONS_FILE");
const COMPILED_SOURCE: &str = include_str!(env!("CONSULTATION_QUESTIONS_FILE"));
/// The file the project ships, whatever this build was compiled with.
pub const SHIPPED_SOURCE: &str = include_str!("../../questions.toml");

/// The most questions a file may declare (a form longer than this is not a first contact).
pub const MAX_QUESTIONS: usize = 40;
/// The longest `short_text` answer, in characters.
pub const SHORT_TEXT_MAX: usize = 200;

static COMPILED: LazyLock<QuestionSet> = LazyLock::new(|| {
    // The tests parse this very file (`the_compiled_file_is_valid`): a build that reaches here
    // with a broken one was never tested.
    QuestionSet::parse(COMPILED_SOURCE).unwrap_or_else(|e| panic!("{COMPILED_PATH}: {e}"))
});

static SHIPPED: LazyLock<QuestionSet> = LazyLock::new(|| {
    QuestionSet::parse(SHIPPED_SOURCE).unwrap_or_else(|e| panic!("questions.toml: {e}"))
});

/// The questions compiled into this build.
pub fn compiled() -> &'static QuestionSet {
    &COMPILED
}

/// The questions of the project's own `questions.toml`: the drop-in forms in `web/` are written
/// from it, whatever file a test build was compiled with.
pub fn shipped() -> &'static QuestionSet {
    &SHIPPED
}

/// The clinician profile field an answer is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileField {
    Regions,
    Payers,
    ClientTypes,
    Languages,
}

impl ProfileField {
    pub const ALL: [ProfileField; 4] = [
        Self::Regions,
        Self::Payers,
        Self::ClientTypes,
        Self::Languages,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Regions => "regions",
            Self::Payers => "payers",
            Self::ClientTypes => "client_types",
            Self::Languages => "languages",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// One of the listed values.
    Choice(Vec<String>),
    /// Any of the listed values.
    Choices(Vec<String>),
    YesNo,
    /// One line, at most [`SHORT_TEXT_MAX`] characters.
    ShortText,
    /// A US state or territory, or a country outside the US.
    Region,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Choice(_) => "choice",
            Self::Choices(_) => "choices",
            Self::YesNo => "yes_no",
            Self::ShortText => "short_text",
            Self::Region => "region",
        }
    }

    /// The listed values of a `choice` or `choices` question.
    pub fn choices(&self) -> &[String] {
        match self {
            Self::Choice(values) | Self::Choices(values) => values,
            _ => &[],
        }
    }
}

/// One declared question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    id: String,
    wire: String,
    pub kind: Kind,
    pub required: bool,
    /// A personal answer never leaves the console: no minimal email, routing reason or webhook.
    pub personal: bool,
    pub routes_on: Option<ProfileField>,
    /// Switched on: asked on the form and accepted in a post.
    pub enabled: bool,
}

impl Question {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The form field's name, `q_<id>`.
    pub fn wire_name(&self) -> &str {
        &self.wire
    }

    /// The catalogue message of its words (`question-<id>`, `question-<id>-hint`, …).
    pub fn message_id(&self, part: Option<&str>) -> String {
        match part {
            Some(part) => format!("question-{}-{part}", self.id),
            None => format!("question-{}", self.id),
        }
    }
}

/// Every question of a file, in the file's order (the form's order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionSet {
    questions: Vec<Question>,
}

/// A question's place in its set: what the form's field refers to.
pub type QuestionIndex = u8;

impl QuestionSet {
    pub fn parse(source: &str) -> Result<Self, QuestionsError> {
        file::parse(source).map(|questions| Self { questions })
    }

    /// Every declared question, switched on or not.
    pub fn all(&self) -> &[Question] {
        &self.questions
    }

    /// The questions the form asks, with their index.
    pub fn asked(&self) -> impl Iterator<Item = (QuestionIndex, &Question)> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| q.enabled)
            .filter_map(|(i, q)| Some((QuestionIndex::try_from(i).ok()?, q)))
    }

    pub fn get(&self, index: QuestionIndex) -> Option<&Question> {
        self.questions.get(usize::from(index))
    }

    /// An asked question by its id.
    pub fn asked_by_id(&self, id: &str) -> Option<(QuestionIndex, &Question)> {
        self.asked().find(|(_, q)| q.id == id)
    }

    /// An asked question by its form field name (`q_<id>`).
    pub fn asked_by_wire(&self, name: &str) -> Option<(QuestionIndex, &Question)> {
        self.asked().find(|(_, q)| q.wire == name)
    }

    /// The question (asked or not) that routes on a profile field.
    pub fn routing_on(&self, field: ProfileField) -> Option<&Question> {
        self.questions.iter().find(|q| q.routes_on == Some(field))
    }

    /// The values a clinician's profile may hold for a field: the regions, or the listed values
    /// of the question that routes on it (asked or not, so a profile can be set up first).
    pub fn profile_values(&self, field: ProfileField) -> Vec<String> {
        match field {
            ProfileField::Regions => region_list()
                .iter()
                .filter(|r| r.in_us())
                .map(|r| r.code().to_owned())
                .collect(),
            _ => self
                .routing_on(field)
                .map(|q| q.kind.choices().to_vec())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests;
