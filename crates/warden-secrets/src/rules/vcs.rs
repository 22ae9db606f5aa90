//! Source hosting and code infrastructure: GitHub, GitLab, Bitbucket and Atlassian, Azure
//! DevOps, Gitea, Sourcegraph and JFrog.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

const GITHUB_PAT_ROTATION: &str = "Delete the token at GitHub > Settings > Developer settings > Personal access tokens (or let GitHub's secret scanning revoke it), create a replacement with the least scopes and an expiry, and review the security log for its use.";

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC011",
        name: "github-classic-pat",
        description: "A GitHub personal access token (classic); it acts as the user on every repository and organization its scopes reach.",
        provider: "GitHub",
        keywords: &["ghp_"],
        pattern: r"(?-u:\b)ghp_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::github_classic),
        examples: &[
            "GITHUB_TOKEN=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",
            "git clone https://x-access-token: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@github.com/org/repo.git",
        ],
        negatives: &[
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "ghp_FAKEabcdefghijklmnopqrstuvwxyz012345",
        ],
        rotation: GITHUB_PAT_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC012",
        name: "github-oauth-token",
        description: "A GitHub OAuth app access token; it acts as the authorizing user within the app's granted scopes.",
        provider: "GitHub",
        keywords: &["gho_"],
        pattern: r"(?-u:\b)gho_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::github_classic),
        examples: &["oauth_token: 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"],
        negatives: &["gho_FAKEabcdefghijklmnopqrstuvwxyz012345"],
        rotation: "Revoke the authorization at GitHub > Settings > Applications > Authorized OAuth Apps (or, as the app owner, reset the token through the OAuth Authorizations API), and have the user sign in again.",
        ..BASE
    },
    Rule {
        id: "SEC013",
        name: "github-user-to-server-token",
        description: "A GitHub App user-to-server token; it acts as the user through the app's permissions.",
        provider: "GitHub",
        keywords: &["ghu_"],
        pattern: r"(?-u:\b)ghu_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::github_classic),
        examples: &["\"token\": \"ghu_FAKEPeUqTlB8VUJzdxayqKpuV2isoi3Nl8Od\""],
        negatives: &["ghu_FAKEabcdefghijklmnopqrstuvwxyz012345"],
        rotation: "Revoke the user's authorization of the GitHub App (Settings > Applications > Authorized GitHub Apps) or revoke the token through the Apps API; it is reissued on the next sign-in.",
        ..BASE
    },
    Rule {
        id: "SEC014",
        name: "github-server-to-server-token",
        description: "A GitHub App installation (server-to-server) token, also the `GITHUB_TOKEN` of Actions runs; it acts as the app installation on its repositories.",
        provider: "GitHub",
        keywords: &["ghs_"],
        pattern: r"(?-u:\b)ghs_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::github_classic),
        examples: &["Authorization: token ghs_FAKE1xjVcXM8yraNI5FW3k4z2fJtey06GcMv"],
        negatives: &["ghs_FAKEabcdefghijklmnopqrstuvwxyz012345"],
        rotation: "Revoke it with `DELETE /installation/token` (it expires within an hour anyway); if the app's private key leaked with it, generate a new private key in the GitHub App settings and delete the old one.",
        ..BASE
    },
    Rule {
        id: "SEC015",
        name: "github-refresh-token",
        description: "A GitHub App refresh token; it mints new user-to-server tokens for up to six months.",
        provider: "GitHub",
        keywords: &["ghr_"],
        pattern: r"(?-u:\b)ghr_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::github_classic),
        examples: &[
            "refresh_token=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&grant_type=refresh_token",
        ],
        negatives: &["ghr_FAKEabcdefghijklmnopqrstuvwxyz012345"],
        rotation: "Revoke the user's authorization of the GitHub App (Settings > Applications > Authorized GitHub Apps), which invalidates its refresh tokens, and have the user sign in again.",
        ..BASE
    },
    Rule {
        id: "SEC016",
        name: "github-fine-grained-pat",
        description: "A GitHub fine-grained personal access token; it acts as the user on the repositories and permissions it was granted.",
        provider: "GitHub",
        keywords: &["github_pat_"],
        pattern: r"(?-u:\b)github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &[
            "export GH_TOKEN=github_pat_11FAKEAMtidEwcuhuDJ2ql_FAKE1RbZYXPrTAVya6LeNhi6OBoXyZHsO9OlpD18Oo8eMJVpx497xBhl18D",
        ],
        negatives: &[
            "github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
        rotation: GITHUB_PAT_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC017",
        name: "github-oauth-client-secret",
        description: "A GitHub OAuth or GitHub App client secret; with the client id it exchanges codes for user tokens.",
        provider: "GitHub",
        keywords: &["github", "gh_"],
        pattern: ctx!(r"github|(?-u:\b)gh_", r"[a-f0-9]{40}"),
        min_entropy: Some(3.2),
        validate: Some(validate::mixed_hex),
        examples: &["GITHUB_CLIENT_SECRET=de4ebdab1397e909a6809c743073effcc28f9731"],
        negatives: &[
            "GITHUB_SHA=4850fc1541d7a072871c779a05a6f34dbf16bd24",
            "github_client_secret = os.environ['GITHUB_CLIENT_SECRET']",
        ],
        rotation: "Generate a new client secret in the OAuth or GitHub App settings (Developer settings), deploy it, then delete the old secret there.",
        ..BASE
    },
    Rule {
        id: "SEC018",
        name: "gitlab-personal-access-token",
        description: "A GitLab personal, project or group access token; it acts as its user or bot on the API, git and registry within its scopes.",
        provider: "GitLab",
        keywords: &["glpat-"],
        pattern: r"(?-u:\b)(?P<secret>glpat-[A-Za-z0-9_\-]{20,64}(?:\.[A-Za-z0-9_\-]{2,16}){0,2})(?:[^A-Za-z0-9_.\-]|$)",
        min_entropy: Some(3.5),
        examples: &[
            "GITLAB_TOKEN=glpat-FAKEa498a8e4hB6_oHs7",
            "token: glpat-FAKEMRQcc7qhTna1YCNIdhhunpYoAmsbidl2.01.4nx5ab3jm",
        ],
        negatives: &["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-<your-token>"],
        rotation: "Revoke the token at GitLab > User settings > Access tokens (or the project/group Access tokens page), create a replacement with an expiry, and check the audit events for its use.",
        ..BASE
    },
    Rule {
        id: "SEC019",
        name: "gitlab-deploy-token",
        description: "A GitLab deploy token; it reads (and possibly writes) a project's repository, packages and container registry.",
        provider: "GitLab",
        keywords: &["gldt-"],
        pattern: r"(?-u:\b)(?P<secret>gldt-[A-Za-z0-9_\-]{20,64})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.5),
        examples: &["CI_DEPLOY_PASSWORD=gldt-FAKEWJjWURdkteCpW8Tz"],
        negatives: &["gldt-XXXXXXXXXXXXXXXXXXXX"],
        rotation: "Revoke the deploy token at the project's Settings > Repository > Deploy tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC020",
        name: "gitlab-runner-token",
        description: "A GitLab runner authentication token (`glrt-`) or legacy registration token (`GR1348941`); it registers runners that receive CI jobs and their secrets.",
        provider: "GitLab",
        keywords: &["glrt-", "gr1348941"],
        pattern: r"(?-u:\b)(?P<secret>(?:glrt-(?:t\d_)?[A-Za-z0-9_\-]{20,64}|GR1348941[A-Za-z0-9_\-]{20,40}))(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.5),
        examples: &[
            "gitlab-runner register --token glrt-FAKEdHv0iryLzlg40nKJ",
            "registration-token: GR1348941FAKENFN4KNRCMGKOpj-U",
        ],
        negatives: &["glrt-xxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the runner (or reset its token) at Settings > CI/CD > Runners, register a new one, and review recent jobs it picked up.",
        ..BASE
    },
    Rule {
        id: "SEC021",
        name: "gitlab-pipeline-trigger-token",
        description: "A GitLab pipeline trigger token; it starts pipelines (with variables) on a project.",
        provider: "GitLab",
        keywords: &["glptt-"],
        pattern: r"(?-u:\b)glptt-[0-9a-f]{40}(?-u:\b)",
        examples: &[
            "curl -X POST -F token=glptt-027e874accb58d3befe7ca5b24e959a5a7188f1c -F ref=main https://gitlab.example.com/api/v4/projects/1/trigger/pipeline",
        ],
        negatives: &["glptt-0000000000000000000000000000000000000000"],
        rotation: "Revoke the trigger at the project's Settings > CI/CD > Pipeline trigger tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC022",
        name: "gitlab-other-token",
        description: "A GitLab CI job, incoming-mail, OAuth application, SCIM, feed, feature-flag or agent token; each grants API access in its own scope.",
        provider: "GitLab",
        keywords: &[
            "glcbt-", "glimt-", "gloas-", "glsoat-", "glft-", "glffct-", "glagent-",
        ],
        pattern: r"(?-u:\b)(?P<secret>(?:glcbt-(?:[0-9a-f]{1,5}_)?[A-Za-z0-9_\-]{20,64}|glimt-[A-Za-z0-9_\-]{25}|gloas-[A-Za-z0-9_\-]{64}|glsoat-[A-Za-z0-9_\-]{20}|glft-[A-Za-z0-9_\-]{20}|glffct-[A-Za-z0-9_\-]{20}|glagent-[A-Za-z0-9_\-]{50}))(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.5),
        examples: &[
            "oauth_secret: gloas-FAKEkFDLfvkMHzwhAoOjqTbTlyi8anv2waG0Wj89teniJc4wOWA_P2ZwXpkMCSP-",
            "feed: glft-FAKEf5K7YAm8GQdQcHkd",
        ],
        negatives: &["glft-aaaaaaaaaaaaaaaaaaaa"],
        rotation: "Revoke or reset the token where it was issued in GitLab (the OAuth application's page, Preferences > Access tokens for feed tokens, the agent's page), and issue a new one.",
        ..BASE
    },
    Rule {
        id: "SEC023",
        name: "bitbucket-app-password",
        description: "A Bitbucket Cloud app password; with the username it acts on repositories, pipelines and pull requests within its permissions.",
        provider: "Bitbucket",
        keywords: &["atbb"],
        pattern: r"(?-u:\b)(?P<secret>ATBB[A-Za-z0-9_=.\-]{28,64})(?:[^A-Za-z0-9_=.\-]|$)",
        min_entropy: Some(3.8),
        examples: &["BITBUCKET_APP_PASSWORD=ATBBFAKE5T2MAPggbBusvsnwZva5wkKFB90m"],
        negatives: &["ATBBXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Revoke the app password at Bitbucket > Personal settings > App passwords and create a new one (or move to an access token with narrower scope).",
        ..BASE
    },
    Rule {
        id: "SEC024",
        name: "atlassian-api-token",
        description: "An Atlassian account API token; it acts as the user on Jira, Confluence and Bitbucket Cloud APIs.",
        provider: "Atlassian",
        keywords: &["atatt3"],
        pattern: r"(?-u:\b)(?P<secret>ATATT3[A-Za-z0-9_=\-]{150,250})(?:[^A-Za-z0-9_=\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "JIRA_API_TOKEN=ATATT3xFfGF0FAKEuc4MW2r3MOeyTl5CnQTypbhr4_5MQFu87sTT5vJkZ6yfzEdxsHjnjrY-waYLZNprS-PhkqXMY7rRkCDsguVbmdhu_qP4u5H2J8QdMrPTn440OZ39ffwwDbBpdn_irw2yPIUWuiMY1i6HCrn-U6WME_cuQLWopjZmfJIs56=2FBA21DD",
        ],
        negatives: &["ATATT3xFfGF0"],
        rotation: "Revoke the token at id.atlassian.com > Security > API tokens and create a new one with an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC025",
        name: "atlassian-legacy-api-token",
        description: "A legacy 24-character Jira or Confluence API token named in a configuration.",
        provider: "Atlassian",
        keywords: &["jira", "confluence", "atlassian"],
        pattern: ctx!(r"jira|confluence|atlassian", r"[A-Za-z0-9]{24}"),
        min_entropy: Some(3.6),
        validate: Some(validate::mixed_alnum),
        examples: &["JIRA_API_TOKEN=FAKEeVCm2qXdZyTzwI4SgViC"],
        negatives: &[
            "JIRA_API_TOKEN=${JIRA_API_TOKEN}",
            "confluence_space_key: ENGINEERINGDOCSPAGE",
        ],
        rotation: "Revoke the token at id.atlassian.com > Security > API tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC026",
        name: "azure-devops-pat",
        description: "An Azure DevOps personal access token; it acts as the user on repos, pipelines, artifacts and boards within its scopes.",
        provider: "Azure DevOps",
        keywords: &[
            "azure_devops",
            "azuredevops",
            "devops",
            "ado",
            "vsts",
            "system_accesstoken",
            "dev.azure.com",
        ],
        pattern: ctx!(
            r"azure_?devops|devops|(?-u:\b)ado|vsts|system_accesstoken|dev\.azure\.com",
            r"[a-z2-7]{52}|[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{3}AZDO[A-Za-z0-9]{4}"
        ),
        min_entropy: Some(3.8),
        examples: &["AZURE_DEVOPS_PAT=fakeg65sk6renndps7e772ua4q6rvm2v6bktipz3tpcjhuw3qken"],
        negatives: &["AZURE_DEVOPS_PAT=$(System.AccessToken)"],
        rotation: "Revoke the token at Azure DevOps > User settings > Personal access tokens (organization admins can revoke any user's PAT), then create a new one with an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC027",
        name: "gitea-token",
        description: "A Gitea or Forgejo access token; it acts as the user on the instance's API and git.",
        provider: "Gitea",
        keywords: &["gitea", "forgejo", "codeberg"],
        pattern: ctx!(r"gitea|forgejo|codeberg", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        min_entropy: Some(3.2),
        examples: &["GITEA_TOKEN=090296023a50690f1c95cf2e3fe0ee5ef6c19d1b"],
        negatives: &["GITEA_COMMIT_SHA=151aa404249c7c8eeff0b1cd562d4c0b41873095"],
        rotation: "Delete the token at the instance's Settings > Applications > Access tokens and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC028",
        name: "sourcegraph-access-token",
        description: "A Sourcegraph access token; it searches and reads all code the user can see on the instance.",
        provider: "Sourcegraph",
        keywords: &["sgp_"],
        pattern: r"(?-u:\b)sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}(?-u:\b)",
        examples: &[
            "SRC_ACCESS_TOKEN=sgp_62e7d6032ecf1df1_a8bba3332a00789781d294e315f128fea08a156f",
        ],
        negatives: &["sgp_local_0000000000000000000000000000000000000000"],
        rotation: "Delete the token at Sourcegraph > Settings > Access tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC029",
        name: "jfrog-api-key",
        description: "A JFrog Artifactory API key or reference token; it reads and publishes artifacts as its user.",
        provider: "JFrog",
        keywords: &["akcp", "cmvmdgtuojaxoj"],
        pattern: r"(?-u:\b)(?:AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{44,})(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &[
            "ARTIFACTORY_API_KEY=AKCpFAKEoZFIuP0Jb3IkeVqTGcwfBICG3y4NARXNmZYOL1St0rw7pz96eAKMA2md9DmgIEEKV",
            "password: cmVmdGtuOjAxOjFAKEaT1086SJtwT8pelBaoBKkB5sqDfzAKwiX3Lc0fgJfzRIsZ",
        ],
        negatives: &["AKCpXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Revoke the API key or token in the JFrog Platform (Edit Profile > API key, or Administration > Identity and Access > Access Tokens) and generate a new one.",
        ..BASE
    },
];
