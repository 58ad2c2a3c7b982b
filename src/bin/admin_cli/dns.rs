//! `consultation-admin dns`: the records, as a table for a person or as zone-file lines.

use consultation_form::dns::{ask_aws, records, table};
use consultation_form::stack::StackSettings;
use std::process::ExitCode;

pub async fn run(sdk: &aws_config::SdkConfig, stack: &StackSettings, zone: bool) -> ExitCode {
    let sesv2 = aws_sdk_sesv2::Client::new(sdk);
    let acm = aws_sdk_acm::Client::new(sdk);
    let answers = match ask_aws(&sesv2, &acm, stack).await {
        Ok(answers) => answers,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (records, notes) = records(&answers);
    if zone {
        for record in &records {
            println!("{}", record.zone_line());
        }
    } else {
        println!(
            "Add these {} records at the practice's DNS host (stack {}, region {}):\n",
            records.len(),
            stack.name,
            answers.region
        );
        print!("{}", table(&records));
        println!(
            "\nThen run `consultation-admin --stack {} doctor`: it asks DNS for each one.",
            stack.name
        );
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    ExitCode::SUCCESS
}
