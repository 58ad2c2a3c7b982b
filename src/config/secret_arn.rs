//! A Secrets Manager secret's ARN, as the deployed stack names each secret (never its value).

/// A Secrets Manager secret's ARN (or its name, as `GetSecretValue` also takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretArn(String);

impl SecretArn {
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.splitn(7, ':').collect();
        let valid = parts.len() == 7
            && parts[0] == "arn"
            && parts[2] == "secretsmanager"
            && parts[5] == "secret"
            && !parts[6].is_empty()
            && !text.chars().any(char::is_whitespace);
        valid.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_arns_are_recognised() {
        for good in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:client-hash-key-AbCdEf",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x",
        ] {
            assert!(SecretArn::parse(good).is_some(), "{good}");
        }
        for bad in [
            "client-hash-key",
            "arn:aws:ssm:us-east-1:123456789012:parameter/x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:a b",
        ] {
            assert!(SecretArn::parse(bad).is_none(), "{bad}");
        }
    }
}
