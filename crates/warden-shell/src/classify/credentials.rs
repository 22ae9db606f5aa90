//! Commands whose job is to print a credential: `gh auth token`, `gcloud auth
//! print-access-token`, `kubectl get secret -o yaml`, `vault kv get`. What a command prints
//! reaches the model, so printing a token is an exposure even when nothing is written or sent.

use crate::word::Word;

/// What the command prints, when it prints a credential.
pub(super) fn printed_credential(name: &str, argv: &[Word]) -> Option<&'static str> {
    // Operands and options as text, without the program.
    let args: Vec<&str> = argv.iter().skip(1).map(|w| w.text.as_str()).collect();
    let ops: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| *a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    };
    let starts = |words: &[&str]| ops.len() >= words.len() && ops[..words.len()] == *words;
    let mentions_secret = |a: &&str| {
        let a = a.to_ascii_lowercase();
        ["secret", "token", "_auth", "password", "key_id", "private"]
            .iter()
            .any(|k| a.contains(k))
    };
    match name {
        "gh" if starts(&["auth", "token"]) => Some("the GitHub CLI's token"),
        "gh" | "glab" if starts(&["auth", "status"]) && (has("--show-token") || has("-t")) => {
            Some("the CLI's token")
        }
        "gcloud"
            if starts(&["auth", "print-access-token"])
                || starts(&["auth", "print-identity-token"])
                || starts(&["auth", "application-default", "print-access-token"])
                || starts(&["secrets", "versions", "access"]) =>
        {
            Some("a Google Cloud token or secret")
        }
        "az" if starts(&["account", "get-access-token"])
            || starts(&["keyvault", "secret", "show"])
            || starts(&["storage", "account", "keys", "list"]) =>
        {
            Some("an Azure token, secret or key")
        }
        "aws"
            if starts(&["secretsmanager", "get-secret-value"])
                || starts(&["ecr", "get-login-password"])
                || starts(&["sts", "get-session-token"])
                || starts(&["sts", "assume-role"])
                || starts(&["iam", "create-access-key"])
                || (starts(&["ssm", "get-parameter"]) || starts(&["ssm", "get-parameters"]))
                    && has("--with-decryption")
                || starts(&["configure", "get"]) && ops.iter().skip(2).any(mentions_secret)
                || starts(&["configure", "export-credentials"]) =>
        {
            Some("AWS credentials or a secret")
        }
        "kubectl" | "oc" | "kubecolor"
            if (starts(&["get", "secret"]) || starts(&["get", "secrets"]))
                && (has("-o") || has("--output") || args.iter().any(|a| a.starts_with("-o")))
                || starts(&["config", "view"]) && has("--raw") =>
        {
            Some("Kubernetes secrets or cluster credentials")
        }
        "npm" | "pnpm" | "yarn"
            if starts(&["config", "get"]) && ops.iter().any(mentions_secret) =>
        {
            Some("a registry token")
        }
        "heroku" if starts(&["auth:token"]) => Some("the Heroku token"),
        "vault" if starts(&["read"]) || starts(&["kv", "get"]) => Some("a Vault secret"),
        "op" if starts(&["read"]) || starts(&["item", "get"]) => Some("a 1Password secret"),
        "doppler" if starts(&["secrets"]) => Some("Doppler secrets"),
        "pass" | "gopass" if starts(&["show"]) => Some("a password-store entry"),
        "security"
            if (starts(&["find-generic-password"]) || starts(&["find-internet-password"]))
                && (has("-w") || has("-g"))
                || starts(&["dump-keychain"]) =>
        {
            Some("a keychain password")
        }
        "gpg" | "gpg2" if has("--export-secret-keys") || has("--export-secret-subkeys") => {
            Some("a private key")
        }
        "git" if starts(&["credential", "fill"]) => Some("git's stored credentials"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Word> {
        line.split_whitespace().map(Word::lit).collect()
    }

    #[test]
    fn finds_credential_printers() {
        for line in [
            "gh auth token",
            "gh auth status --show-token",
            "gcloud auth print-access-token",
            "gcloud secrets versions access latest --secret=db",
            "az account get-access-token",
            "aws secretsmanager get-secret-value --secret-id prod/db",
            "aws ssm get-parameter --name /db/pw --with-decryption",
            "aws configure get aws_secret_access_key",
            "aws ecr get-login-password",
            "kubectl get secret db -o yaml",
            "kubectl get secret db -ojsonpath={.data.password}",
            "kubectl config view --raw",
            "npm config get //registry.npmjs.org/:_authToken",
            "heroku auth:token",
            "vault kv get secret/app",
            "op read op://vault/item/password",
            "doppler secrets",
            "security find-generic-password -s x -w",
            "gpg --export-secret-keys --armor",
            "git credential fill",
        ] {
            let argv = words(line);
            assert!(printed_credential(&argv[0].text, &argv).is_some(), "{line}");
        }
    }

    #[test]
    fn leaves_ordinary_commands_alone() {
        for line in [
            "gh auth status",
            "gh pr list",
            "gcloud auth list",
            "aws sts get-caller-identity",
            "aws configure get region",
            "aws ssm get-parameter --name /app/flag",
            "kubectl get secrets",
            "kubectl get pods -o wide",
            "kubectl config view",
            "npm config get registry",
            "vault status",
            "security find-generic-password -s x",
            "gpg --list-secret-keys",
            "git credential-cache exit",
        ] {
            let argv = words(line);
            assert!(printed_credential(&argv[0].text, &argv).is_none(), "{line}");
        }
    }
}
