//! The operator tool finds its stack: from the stack's name, its outputs (CloudFormation) and the
//! function's environment (Lambda), so an operator needs AWS credentials and a region, not the
//! function's variables. Variables set locally still win, so `make show` and local runs keep
//! working against the emulator. Secrets stay in Secrets Manager: the environment names them by
//! ARN, and only `erase` reads one.

use crate::aws::AwsError;
use std::collections::HashMap;

/// The stack the template deploys by default (`infra/samconfig.toml`).
pub const DEFAULT_STACK: &str = "consultation-form";

/// What the operator tool learns from a deployed stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StackSettings {
    pub name: String,
    /// The stack's outputs by key (`TableName`, `FunctionName`, `AlarmTopicArn`, ...).
    pub outputs: HashMap<String, String>,
    /// The function's environment, as Lambda reports it.
    pub environment: HashMap<String, String>,
    /// The parameters it was deployed with (`CustomDomainName`, ...).
    pub parameters: HashMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error("stack {0} has no {1} output: deploy the current template")]
    MissingOutput(String, &'static str),
    #[error("Lambda did not give the function's environment: {0}")]
    Environment(String),
}

impl StackSettings {
    /// Reads the stack's outputs and its function's environment.
    pub async fn load(sdk: &aws_config::SdkConfig, name: &str) -> Result<Self, StackError> {
        let cloudformation = aws_sdk_cloudformation::Client::new(sdk);
        let described = cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(AwsError::of("CloudFormation", "DescribeStacks"))?;
        let stack = described.stacks().first();
        let outputs: HashMap<String, String> = stack
            .map(|stack| {
                stack
                    .outputs()
                    .iter()
                    .filter_map(|o| {
                        Some((o.output_key()?.to_owned(), o.output_value()?.to_owned()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let parameters: HashMap<String, String> = stack
            .map(|stack| {
                stack
                    .parameters()
                    .iter()
                    .filter_map(|p| {
                        Some((
                            p.parameter_key()?.to_owned(),
                            p.parameter_value()?.to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let function = outputs
            .get("FunctionName")
            .ok_or_else(|| StackError::MissingOutput(name.to_owned(), "FunctionName"))?;
        let lambda = aws_sdk_lambda::Client::new(sdk);
        let configuration = lambda
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(AwsError::of("Lambda", "GetFunctionConfiguration"))?;
        let environment = configuration.environment();
        if let Some(error) = environment.and_then(|e| e.error()) {
            // A caller without kms:Decrypt on the stack's key gets the error, not the variables.
            return Err(StackError::Environment(
                error.message().unwrap_or("no message").to_owned(),
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            outputs,
            parameters,
            environment: environment
                .and_then(|e| e.variables())
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// A variable: set locally, else as the function has it.
    pub fn lookup(&self, local: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
        local(name).or_else(|| self.environment.get(name).cloned())
    }

    pub fn output(&self, key: &str) -> Option<&str> {
        self.outputs.get(key).map(String::as_str)
    }

    /// A parameter the stack was deployed with, when not empty.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_variable_wins_over_the_functions() {
        let settings = StackSettings {
            name: "s".into(),
            outputs: HashMap::new(),
            environment: HashMap::from([
                ("TABLE_NAME".to_owned(), "deployed".to_owned()),
                ("NOTIFY_TO".to_owned(), "a@practice.example".to_owned()),
            ]),
            ..StackSettings::default()
        };
        let local = |name: &str| (name == "TABLE_NAME").then(|| "local".to_owned());
        assert_eq!(
            settings.lookup(&local, "TABLE_NAME").as_deref(),
            Some("local")
        );
        assert_eq!(
            settings.lookup(&local, "NOTIFY_TO").as_deref(),
            Some("a@practice.example")
        );
        assert_eq!(settings.lookup(&local, "OTHER"), None);
    }
}
