//! Developer infrastructure: package registries, infrastructure-as-code and secret managers,
//! CI/CD, observability and error tracking, identity providers, feature flags and API tools.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC179",
        name: "docker-hub-access-token",
        description: "A Docker Hub personal or organization access token (`dckr_pat_`, `dckr_oat_`); it pushes and pulls the account's images.",
        provider: "Docker Hub",
        keywords: &["dckr_pat_", "dckr_oat_"],
        pattern: r"(?-u:\b)(?P<secret>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,32})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.8),
        examples: &[
            "echo dckr_pat_FAKEAmFvnet4fa_39bu2Uzf8ij3 | docker login -u fakeuser --password-stdin",
        ],
        negatives: &["DOCKERHUB_TOKEN=dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the token at Docker Hub > Account settings > Personal access tokens (or the organization's Access tokens) and create a new one with read-only scope where possible.",
        ..BASE
    },
    Rule {
        id: "SEC180",
        name: "npm-access-token",
        description: "An npm access token (`npm_`); it publishes packages as the user, the classic supply-chain attack path.",
        provider: "npm",
        keywords: &["npm_"],
        pattern: r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)",
        validate: Some(validate::npm_token),
        examples: &[
            "//registry.npmjs.org/:_authToken=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",
            "NPM_TOKEN=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",
        ],
        negatives: &[
            "npm_FAKEabcdefghijklmnopqrstuvwxyz012345",
            "npm_config_registry_url_for_private_package",
        ],
        rotation: "Revoke the token at npmjs.com > Access Tokens (or `npm token revoke ID`), create a granular token with an expiry, and check the packages it could publish for unexpected versions.",
        ..BASE
    },
    Rule {
        id: "SEC181",
        name: "pypi-upload-token",
        description: "A PyPI or TestPyPI API token (`pypi-`); it uploads releases of the user's or project's packages.",
        provider: "PyPI",
        keywords: &["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
        pattern: r"(?-u:\b)pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}",
        validate: Some(validate::pypi_token),
        examples: &[
            "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcCM3sidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIiwgIkZBS0UiOiB0cnVlfQACJXsicGVybWlzc2lvbnMiOiAidXNlciIsICJ2ZXJzaW9uIjogMX0AAAYgyo-MPtRUfge1HmuxF0jWcYRb60SxGjdZSMjt4YloqAk\n",
        ],
        negatives: &[
            "password = pypi-AgEIcHlwaS5vcmcFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE",
        ],
        rotation: "Remove the token at pypi.org > Account settings > API tokens, create a project-scoped one (or use trusted publishing), and check the project's release history.",
        ..BASE
    },
    Rule {
        id: "SEC182",
        name: "rubygems-api-key",
        description: "A RubyGems.org API key (`rubygems_`); it pushes and yanks the owner's gems.",
        provider: "RubyGems",
        keywords: &["rubygems_"],
        pattern: r"(?-u:\b)rubygems_[a-f0-9]{48}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &[
            "---\n:rubygems_api_key: rubygems_65bb9c06105130ac01546000dcdb1ad1b50687e2af6d94e2\n",
        ],
        negatives: &["rubygems_000000000000000000000000000000000000000000000000"],
        rotation: "Delete the key at rubygems.org > Settings > API keys, create a scoped one with MFA required, and review recent pushes.",
        ..BASE
    },
    Rule {
        id: "SEC183",
        name: "nuget-api-key",
        description: "A NuGet.org API key (`oy2`); it pushes packages matching its glob.",
        provider: "NuGet",
        keywords: &["oy2"],
        pattern: r"(?-u:\b)oy2[a-z0-9]{43}(?-u:\b)",
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "dotnet nuget push pkg.nupkg --api-key oy2fake2ntqr5f1avxly91pyr80azhxzrjjlsng6tss3zt --source https://api.nuget.org/v3/index.json",
        ],
        negatives: &["oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
        rotation: "Delete or regenerate the key at nuget.org > API Keys, with the narrowest package glob and an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC184",
        name: "crates-io-api-token",
        description: "A crates.io API token (`cio`); it publishes and yanks the owner's crates within its scopes.",
        provider: "crates.io",
        keywords: &["cio"],
        pattern: r"(?-u:\b)cio[A-Za-z0-9]{32}(?-u:\b)",
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["[registry]\ntoken = \"cioFAKE1nLKnALnT18rMJMICLrZy0tf1ON9\"\n"],
        negatives: &["ciopppppppppppppppppppppppppppppppp"],
        rotation: "Revoke the token at crates.io > Account Settings > API Tokens and create a scoped one with an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC185",
        name: "clojars-deploy-token",
        description: "A Clojars deploy token (`CLOJARS_`); it deploys the user's artifacts.",
        provider: "Clojars",
        keywords: &["clojars_"],
        pattern: r"(?-u:\b)CLOJARS_[a-z0-9]{60}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "CLOJARS_PASSWORD=CLOJARS_fakeiimhhchobxj9d3xihbjux4y9gzygurh3muzo5qkari4wp04c5z86373w",
        ],
        negatives: &["CLOJARS_USERNAME"],
        rotation: "Disable the token at clojars.org > Deploy Tokens and create a scoped one.",
        ..BASE
    },
    Rule {
        id: "SEC186",
        name: "terraform-cloud-token",
        description: "An HCP Terraform / Terraform Enterprise API token (`….atlasv1.…`); it runs plans and applies and reads state (with its secrets).",
        provider: "HashiCorp Terraform",
        keywords: &[".atlasv1."],
        pattern: r"(?-u:\b)(?P<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})(?:[^A-Za-z0-9_=\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "credentials \"app.terraform.io\" {\n  token = \"FAKEy7EYss3ntJ.atlasv1.FAKEwfp0E4S0iSQdghJyQlf0kIM3PCT6-OZyYxFazueumtMyWRAotl_6pU-DCav_3ge\"\n}",
        ],
        negatives: &[
            "token = \"xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
        ],
        rotation: "Delete the token at HCP Terraform > User settings > Tokens (or the team/organization token page), create a new one, and review runs and state downloads it made.",
        ..BASE
    },
    Rule {
        id: "SEC187",
        name: "vault-token",
        description: "A HashiCorp Vault service, batch or recovery token (`hvs.`, `hvb.`, `hvr.`); it reads every secret its policies allow.",
        provider: "HashiCorp Vault",
        keywords: &["hvs.", "hvb.", "hvr."],
        pattern: r"(?-u:\b)hv[sbr]\.[A-Za-z0-9_\-]{24,400}(?:\.[A-Za-z0-9]{5})?",
        min_entropy: Some(4.0),
        examples: &[
            "VAULT_TOKEN=hvs.CAESIFAKE07SpNmW2NS2tNjoGEWl3hIi5lMFMTHA-yTW6dFMIzmY_3QBi6plV7fOrCK27P_hOARV6W8os_veXRrOyrBdg5t",
            "export VAULT_TOKEN=hvs.FAKEBdqDJ2pnorOoRBW3Wbzv",
        ],
        negatives: &["VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke it with `vault token revoke -accessor …` (or revoke the lease tree of its parent), and review the audit device log for what it read.",
        ..BASE
    },
    Rule {
        id: "SEC188",
        name: "vault-legacy-token",
        description: "A pre-1.10 HashiCorp Vault service token (`s.`) named in a configuration.",
        provider: "HashiCorp Vault",
        keywords: &["vault"],
        pattern: ctx!(r"vault", r"s\.[A-Za-z0-9]{24}"),
        min_entropy: Some(3.8),
        examples: &["VAULT_TOKEN=s.FAKEtbJTzsiVCHJ4dGF4vC7H"],
        negatives: &["VAULT_ADDR=https://vault.fake.test:8200"],
        rotation: "Revoke it with `vault token revoke` and review the audit device log.",
        ..BASE
    },
    Rule {
        id: "SEC189",
        name: "doppler-token",
        description: "A Doppler personal, service, service-account, CLI, SCIM or audit token (`dp.pt.`, `dp.st.`…); it reads the secrets of the configs it reaches.",
        provider: "Doppler",
        keywords: &[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ],
        pattern: r"(?-u:\b)dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_\-]{2,35}\.)?[A-Za-z0-9]{40,44}(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &[
            "DOPPLER_TOKEN=dp.pt.FAKE8o4w56cqbaRse2wup9YpMGjnrjF4wEpE3zRmucq",
            "DOPPLER_TOKEN=dp.st.prd.FAKEBuwOAVeaRYeBGAkr0nDI5UMecuIvkUs5cUK6xfC",
        ],
        negatives: &["DOPPLER_TOKEN=dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token in the Doppler dashboard (the project config's Access tab for service tokens, Tokens in account settings for personal ones) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC190",
        name: "pulumi-access-token",
        description: "A Pulumi Cloud access token (`pul-`); it reads and updates stacks, their state and encrypted config.",
        provider: "Pulumi",
        keywords: &["pul-"],
        pattern: r"(?-u:\b)pul-[a-f0-9]{40}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &["PULUMI_ACCESS_TOKEN=pul-999495bdf67f940efa9188b6f440c1714f49a3f0"],
        negatives: &["pul-0000000000000000000000000000000000000000"],
        rotation: "Delete the token at app.pulumi.com > Settings > Access tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC191",
        name: "onepassword-service-account-token",
        description: "A 1Password service account token (`ops_`); it reads every item in the vaults it was granted.",
        provider: "1Password",
        keywords: &["ops_eyj"],
        pattern: r"(?-u:\b)ops_eyJ[A-Za-z0-9+/=_\-]{100,}",
        min_entropy: Some(4.5),
        examples: &[
            "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJFAKEA/5dWrdkTWctKHquDC2ScYCPMQUXeSuj/XulN0KBBtPOxjnQZamtGQz9FucUU9uAvDPwAodJO1qUNlKx1CAq83WVjueLMeY7kE1VrOHkF7teKUfJhWIUz0CPvYgDNX2qZlenqmt++QsEgAggRqGX2fvoPJo7EqLqFBrczckDqY+fFNn7MjJtOB0kARqmXdvMflYlUkGyNy5SKDp7I3nvdlHDilyr3CZbs60JI1r72pHOwaSYftnwec",
        ],
        negatives: &["ops_eyJ"],
        rotation: "Revoke the service account token in 1Password > Developer > Service accounts and create a new one; rotate the items it could read.",
        ..BASE
    },
    Rule {
        id: "SEC192",
        name: "datadog-api-key",
        description: "A Datadog API key named in a configuration; it submits metrics, logs and events to the organization.",
        provider: "Datadog",
        keywords: &["datadog", "dd_api", "dd-api", "ddapi"],
        pattern: ctx!(r"datadog|(?-u:\b)dd[_\-]?api", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "DD_API_KEY=1284dcbb8f67d74531e1034637ea1255",
            "datadog:\n  api_key: fdbaf3c74bbdef5f482bbef3cab80d00",
        ],
        negatives: &["DD_API_KEY=<DATADOG_API_KEY>"],
        rotation: "Revoke the key at Datadog > Organization settings > API keys and create a new one; check Audit Trail.",
        ..BASE
    },
    Rule {
        id: "SEC193",
        name: "datadog-application-key",
        description: "A Datadog application key named in a configuration; with an API key it reads and changes the organization's data and configuration as its user.",
        provider: "Datadog",
        keywords: &["datadog", "dd_app", "dd-app", "ddapp"],
        pattern: ctx!(r"datadog|(?-u:\b)dd[_\-]?app", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "DD_APP_KEY=aaa166b7c7d01d84643f50131b375d4ca71b6021",
            "DATADOG_APPLICATION_KEY=4afaad10fff18b2f3b18b26f6327e2cf1c8ca208",
        ],
        negatives: &["DD_APP_KEY="],
        rotation: "Revoke the key at Datadog > Organization settings > Application keys (or Personal settings) and create a scoped one.",
        ..BASE
    },
    Rule {
        id: "SEC194",
        name: "sentry-org-auth-token",
        description: "A Sentry organization auth token (`sntrys_`); it uploads source maps and releases and reads the organization's projects.",
        provider: "Sentry",
        keywords: &["sntrys_"],
        pattern: r"(?-u:\b)(?P<secret>sntrys_eyJ[A-Za-z0-9+/=_\-]{60,}_[A-Za-z0-9+/]{43})(?:[^A-Za-z0-9+/]|$)",
        min_entropy: Some(4.5),
        examples: &[
            "SENTRY_AUTH_TOKEN=sntrys_eyJFAKEFTFV6xlJNn1IunmahltPfMPcOkxNODAT1yM3+C7gQrffOnTMY7taAetwxgTwNl7TK5pj7UO4j64JzFghUApDMgCPX6B7Q0tQwPsNIkV4X+th0HSBuys9_FAKES+Kqg4AUzrGdtD2rMGA/Z7BKLrYxvq9FUikV/cA",
        ],
        negatives: &["SENTRY_AUTH_TOKEN=sntrys_..."],
        rotation: "Revoke the token at Sentry > Settings > Developer Settings > Organization Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC195",
        name: "sentry-user-auth-token",
        description: "A Sentry user auth token (`sntryu_`); it acts as the user on the API.",
        provider: "Sentry",
        keywords: &["sntryu_"],
        pattern: r"(?-u:\b)sntryu_[a-f0-9]{64}(?-u:\b)",
        validate: Some(validate::mixed_alnum),
        examples: &[
            "SENTRY_AUTH_TOKEN=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",
        ],
        negatives: &["sntryu_0000000000000000000000000000000000000000000000000000000000000000"],
        rotation: "Revoke the token at Sentry > User settings > Personal Tokens (Auth Tokens) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC196",
        name: "sentry-legacy-auth-token",
        description: "A legacy 64-hex Sentry auth token named in a configuration; it acts as its user on the API.",
        provider: "Sentry",
        keywords: &["sentry"],
        pattern: ctx!(r"sentry", r"[a-f0-9]{64}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "SENTRY_AUTH_TOKEN=43c348f717fc8e08d614d23748148dc969527911b367d727fdbffa9558562ecd",
        ],
        negatives: &["SENTRY_RELEASE=e3da96ad8f26aa209ed6526191536a68faf2db27"],
        rotation: "Revoke the token at Sentry > User settings > Auth Tokens and create an organization token instead.",
        ..BASE
    },
    Rule {
        id: "SEC197",
        name: "sentry-dsn",
        description: "A Sentry DSN with its public key; anyone holding it can submit (spam or poison) events to the project.",
        provider: "Sentry",
        keywords: &["sentry.io"],
        pattern: r"https://(?P<secret>[a-f0-9]{32})(?::[a-f0-9]{32})?@o?[0-9]*\.?ingest\.(?:[a-z]{2}\.)?sentry\.io/[0-9]{1,12}",
        validate: Some(validate::mixed_hex),
        examples: &[
            "SENTRY_DSN=https://99f3a7268b53b88671c564d211e480cb@o650798.ingest.sentry.io/1671464",
        ],
        negatives: &["SENTRY_DSN=https://examplePublicKey@o0.ingest.sentry.io/0"],
        rotation: "Disable the key at Sentry > Project settings > Client Keys (DSN) and create a new one; DSNs in browser code are public by design, so prefer rate limits and allowed domains.",
        ..BASE
    },
    Rule {
        id: "SEC198",
        name: "new-relic-api-key",
        description: "A New Relic user, admin or Insights insert key (`NRAK-`, `NRAA-`, `NRII-`); it queries and changes the account's data and configuration.",
        provider: "New Relic",
        keywords: &["nrak-", "nraa-", "nrii-"],
        pattern: r"(?-u:\b)(?P<secret>(?:NRAK-[A-Z0-9]{27}|NRAA-[a-f0-9]{27}|NRII-[A-Za-z0-9_\-]{32}))(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.5),
        examples: &["NEW_RELIC_API_KEY=NRAK-FAKEPH5WIST7JMP6FIEJUI5IZY2"],
        negatives: &["NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Delete the key at New Relic > API keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC199",
        name: "new-relic-license-key",
        description: "A New Relic ingest license key (ends in `NRAL`); it reports data into the account.",
        provider: "New Relic",
        keywords: &["nral"],
        pattern: r"(?-u:\b)[a-f0-9]{36}NRAL(?-u:\b)",
        validate: Some(validate::leading_hex_mixed),
        examples: &["NEW_RELIC_LICENSE_KEY=89fa3192bf1ee95afda35855c953a8d728e0NRAL"],
        negatives: &["000000000000000000000000000000000000NRAL"],
        rotation: "Create a new ingest license key at New Relic > API keys, deploy it to the agents, then delete the old key.",
        ..BASE
    },
    Rule {
        id: "SEC200",
        name: "grafana-token",
        description: "A Grafana Cloud access-policy token (`glc_`), service-account token (`glsa_`) or legacy API key (`eyJrIjoi`); it reads and changes dashboards, data sources and telemetry.",
        provider: "Grafana",
        keywords: &["glc_", "glsa_", "eyjrijoi"],
        pattern: r"(?-u:\b)(?:glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|eyJrIjoi[A-Za-z0-9+/]{54,100}={0,2})",
        min_entropy: Some(4.0),
        examples: &[
            "GRAFANA_TOKEN=glsa_FAKEk2m4ZoUIM28ZS6mc8T0QOWs48iQK_a33492ba",
            "GRAFANA_CLOUD_TOKEN=glc_eyJvFAKE9EkK5Zxu/i3CqVwOoGQTceLy7VKZeFaOgQ0cDVP0RnHdZ0BlURQPpULR6eBxRouqV2Jgl3vxKeaJVer0YkBBQKt3NHqxKvkm==",
        ],
        negatives: &["glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx"],
        rotation: "Delete the token at Grafana > Administration > Service accounts (or Grafana Cloud > Access Policies > Tokens) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC201",
        name: "pagerduty-api-key",
        description: "A PagerDuty REST API key named in a configuration; it reads and changes incidents, schedules and services.",
        provider: "PagerDuty",
        keywords: &["pagerduty", "pd_"],
        pattern: ctx!(
            r"pagerduty|(?-u:\b)pd_",
            r"u\+[A-Za-z0-9_\-]{18}|[A-Za-z0-9_\-]{20}"
        ),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "PAGERDUTY_TOKEN=u+FAKEQw5Tcvkylm7sC3",
            "PAGERDUTY_API_KEY=FAKE5ekqK1agygpj9bsW",
        ],
        negatives: &["PAGERDUTY_SERVICE_ID=PABCDEF"],
        rotation: "Delete the key at PagerDuty > Integrations > API Access Keys (user tokens under My Profile > User Settings) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC202",
        name: "snyk-api-token",
        description: "A Snyk API token named in a configuration; it reads the organization's projects and vulnerabilities and can change settings.",
        provider: "Snyk",
        keywords: &["snyk"],
        pattern: ctx!(
            r"snyk",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &["SNYK_TOKEN=a191e6e4-4738-4b71-a121-71c1ac071b0d"],
        negatives: &["SNYK_ORG_ID=3b68734f-bfa6-4537-a79a-0ef52bce9035"],
        rotation: "Revoke and regenerate the token at Snyk > Account settings > Auth Token (service-account tokens under the organization's settings).",
        ..BASE
    },
    Rule {
        id: "SEC203",
        name: "sonarqube-token",
        description: "A SonarQube / SonarCloud user, project-analysis or global-analysis token (`squ_`, `sqp_`, `sqa_`); it runs analyses and reads code findings.",
        provider: "SonarQube",
        keywords: &["squ_", "sqp_", "sqa_"],
        pattern: r"(?-u:\b)sq[uap]_[a-f0-9]{40}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &["SONAR_TOKEN=squ_dd4c08cb8cf095e908db483d1e27f5551c7eb355"],
        negatives: &["sqp_0000000000000000000000000000000000000000"],
        rotation: "Revoke the token at SonarQube > My Account > Security and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC204",
        name: "circleci-token",
        description: "A CircleCI personal or project API token (`CCIPAT_`, `CCIPRJ_`); it triggers pipelines and reads project settings and environment variables.",
        provider: "CircleCI",
        keywords: &["ccipat_", "cciprj_"],
        pattern: r"(?-u:\b)CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "CIRCLE_TOKEN=CCIPAT_FAKE7ELosU8sZQ8FM8zasQ_18213dc0e236f5f0ed1f05cd9448a32ac2065604",
        ],
        negatives: &["CCIPAT_xxxxxxxxxxxxxxxxxxxxxx_0000000000000000000000000000000000000000"],
        rotation: "Delete the token at CircleCI > User settings > Personal API Tokens (or Project settings > API Permissions) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC205",
        name: "circleci-legacy-token",
        description: "A legacy 40-hex CircleCI API token named in a configuration.",
        provider: "CircleCI",
        keywords: &["circle"],
        pattern: ctx!(r"circle", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["CIRCLE_TOKEN=57e9ab61f89b43b7f162d3e9b7e21fac6462fdf2"],
        negatives: &["CIRCLE_SHA1=2efa202af9a0c4400ae164a5516ea4910ccb4d0f"],
        rotation: "Delete the token at CircleCI > User settings > Personal API Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC206",
        name: "travis-ci-token",
        description: "A Travis CI API token named in a configuration; it triggers builds and reads settings.",
        provider: "Travis CI",
        keywords: &["travis"],
        pattern: ctx!(r"travis", r"[A-Za-z0-9_\-]{22}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["TRAVIS_API_TOKEN=FAKEctyBd5TlxWxjRfv4hn"],
        negatives: &["TRAVIS_BRANCH=main"],
        rotation: "Regenerate the token at travis-ci.com > Settings > API authentication.",
        ..BASE
    },
    Rule {
        id: "SEC207",
        name: "buildkite-api-token",
        description: "A Buildkite user API access token (`bkua_`); it reads and changes pipelines and builds.",
        provider: "Buildkite",
        keywords: &["bkua_"],
        pattern: r"(?-u:\b)bkua_[a-f0-9]{40}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &["BUILDKITE_API_TOKEN=bkua_8c79140b7f08e9a7087fb235b439afb3064239ac"],
        negatives: &["bkua_0000000000000000000000000000000000000000"],
        rotation: "Revoke the token at Buildkite > Personal settings > API access tokens and create a scoped one.",
        ..BASE
    },
    Rule {
        id: "SEC208",
        name: "postman-api-key",
        description: "A Postman API key (`PMAK-`); it reads and changes the user's workspaces, collections and environments (often full of more secrets).",
        provider: "Postman",
        keywords: &["pmak-"],
        pattern: r"(?-u:\b)PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?-u:\b)",
        validate: Some(validate::mixed_alnum),
        examples: &[
            "POSTMAN_API_KEY=PMAK-f9aaf64e1b567abf005a8fa7-ffb8ceea939af9fd9eba6b9600fc97e04e",
        ],
        negatives: &["PMAK-000000000000000000000000-0000000000000000000000000000000000"],
        rotation: "Revoke the key at Postman > Settings > API keys and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC209",
        name: "dynatrace-api-token",
        description: "A Dynatrace API token (`dt0c01.`); it reads and writes the environment's monitoring data and settings within its scopes.",
        provider: "Dynatrace",
        keywords: &["dt0c01.", "dt0s01.", "dt0s16."],
        pattern: r"(?-u:\b)dt0(?:c01|s01|s16)\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &[
            "DT_API_TOKEN=dt0c01.FAKEYNFCQ310SQ030UZEL6T5.FAKEGMQ6W5TMIIX38K9G7J7DKZ2GRTZKNGTME7ZAFX8K9G9RZJ0CD7R901YDNC6S",
        ],
        negatives: &[
            "dt0c01.XXXXXXXXXXXXXXXXXXXXXXXX.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        ],
        rotation: "Delete the token at Dynatrace > Access tokens and generate a new one with the needed scopes.",
        ..BASE
    },
    Rule {
        id: "SEC210",
        name: "harness-access-token",
        description: "A Harness personal or service-account token (`pat.`, `sat.`); it runs pipelines and reads connectors and secrets.",
        provider: "Harness",
        keywords: &["pat.", "sat."],
        pattern: r"(?-u:\b)(?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[a-f0-9]{24}\.[A-Za-z0-9]{20}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "HARNESS_API_KEY=pat.FAKESmgPARI50bQSBufpNR.4d60960271218aa17d369a4d.FAKE68bSAHrzbdSM6UXW",
        ],
        negatives: &["pat.name.split()"],
        rotation: "Delete the token at Harness > My Profile > My API Keys (or the service account's API keys) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC211",
        name: "octopus-deploy-api-key",
        description: "An Octopus Deploy API key (`API-`); it deploys releases and reads variables as its user.",
        provider: "Octopus Deploy",
        keywords: &["api-"],
        pattern: r"(?-u:\b)API-[A-Z0-9]{26,32}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["OCTOPUS_API_KEY=API-FAKEWEGLVKLHIEBMLE9T9D0C4ABE"],
        negatives: &[
            "API-VERSION-HEADER-VALUE-FOR-CLIENTS",
            "API-XXXXXXXXXXXXXXXXXXXXXXXXXX",
        ],
        rotation: "Revoke the key at Octopus > your profile > My API Keys and create a new one with an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC212",
        name: "infracost-api-key",
        description: "An Infracost API key (`ico-`); it prices infrastructure and reads the organization's cost data.",
        provider: "Infracost",
        keywords: &["ico-"],
        pattern: r"(?-u:\b)ico-[A-Za-z0-9]{32}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["INFRACOST_API_KEY=ico-FAKEaF6AmLwQ0FKiIoo6lt3QtV1YdEoZ"],
        negatives: &["ico-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Rotate the key at Infracost Cloud > Org settings > API key.",
        ..BASE
    },
    Rule {
        id: "SEC213",
        name: "scalingo-api-token",
        description: "A Scalingo API token (`tk-us-`); it deploys and configures the user's apps.",
        provider: "Scalingo",
        keywords: &["tk-us-"],
        pattern: r"(?-u:\b)(?P<secret>tk-us-[A-Za-z0-9_\-]{48})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.8),
        examples: &["SCALINGO_API_TOKEN=tk-us-FAKEJ3hW7mRUgzbmgF-vdgT3xwNRsmOrRa99kc7eu8lRRUOL"],
        negatives: &["tk-us-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the token at Scalingo dashboard > User settings > API tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC214",
        name: "prefect-api-key",
        description: "A Prefect Cloud API key (`pnu_`, `pnb_`); it runs flows and reads blocks (with their credentials) in the workspace.",
        provider: "Prefect",
        keywords: &["pnu_", "pnb_"],
        pattern: r"(?-u:\b)pn[ub]_[A-Za-z0-9]{36}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["PREFECT_API_KEY=pnu_FAKEw6Bjj3WOjaLq9F0FD4AK8k1AMC235zKI"],
        negatives: &["pnu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the key at Prefect Cloud > Profile > API keys (or the service account's keys) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC215",
        name: "readme-api-key",
        description: "A ReadMe API key (`rdme_`); it edits the project's documentation and reads its API metrics.",
        provider: "ReadMe",
        keywords: &["rdme_"],
        pattern: r"(?-u:\b)rdme_[a-z0-9]{70}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "README_API_KEY=rdme_fakeu95qq91aw5cbr50yfnb3176o6pxqak0ufk4y0xv3qcju8930tmwsyi8esn0ya59nwk",
        ],
        negatives: &["rdme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the key at dash.readme.com > the project > API Keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC216",
        name: "launchdarkly-key",
        description: "A LaunchDarkly API access token or server-side SDK key (`api-`, `sdk-` + UUID); it changes flags or reads every flag rule and segment.",
        provider: "LaunchDarkly",
        keywords: &["api-", "sdk-"],
        pattern: r"(?-u:\b)(?:api|sdk)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &[
            "LAUNCHDARKLY_SDK_KEY=sdk-6cf6083e-6260-461f-a518-fd243beb58be",
            "LD_API_TOKEN=api-d6153c4f-13d2-45a2-af30-ca88c1679524",
        ],
        negatives: &["sdk-00000000-0000-0000-0000-000000000000"],
        rotation: "Reset the SDK key at LaunchDarkly > Project settings > Environments (with an expiry for the old key), or delete the access token at Organization settings > Authorization.",
        ..BASE
    },
    Rule {
        id: "SEC217",
        name: "honeycomb-api-key",
        description: "A Honeycomb API or ingest key named in a configuration; it sends events to, or configures, the environment.",
        provider: "Honeycomb",
        keywords: &["honeycomb"],
        pattern: ctx!(
            r"honeycomb",
            r"hc[a-z]{2}k_[A-Za-z0-9]{50,70}|[A-Za-z0-9]{22}|[a-f0-9]{32}"
        ),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "HONEYCOMB_API_KEY=FAKE55hYbSdIxRnjn2gZaZ",
            "HONEYCOMB_API_KEY=hcaik_faket0b46hypsnvs5ccthz90k24anf3g6yq73qa5qo8pskq4n8tipxlhek",
        ],
        negatives: &["HONEYCOMB_DATASET=fake-service"],
        rotation: "Disable and delete the key at Honeycomb > Environment settings > API keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC218",
        name: "rollbar-access-token",
        description: "A Rollbar project or account access token named in a configuration; server tokens post and read the project's errors.",
        provider: "Rollbar",
        keywords: &["rollbar"],
        pattern: ctx!(r"rollbar", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["ROLLBAR_ACCESS_TOKEN=51a3bc082373ff0d7f32909d5529e18c"],
        negatives: &["ROLLBAR_ENV=production"],
        rotation: "Disable the token at Rollbar > Project settings > Project Access Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC219",
        name: "bugsnag-api-key",
        description: "A Bugsnag (Insight Hub) API key or auth token named in a configuration.",
        provider: "Bugsnag",
        keywords: &["bugsnag"],
        pattern: ctx!(
            r"bugsnag",
            r"[a-f0-9]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_alnum),
        examples: &["BUGSNAG_API_KEY=c71f2b50b2721e8e5747d3266bf876ef"],
        negatives: &["BUGSNAG_RELEASE_STAGE=production"],
        rotation: "Regenerate the project API key in Bugsnag > Project settings, or revoke the personal auth token in your account settings.",
        ..BASE
    },
    Rule {
        id: "SEC220",
        name: "honeybadger-api-key",
        description: "A Honeybadger personal auth token (`hbp_`); it reads and changes the user's projects.",
        provider: "Honeybadger",
        keywords: &["hbp_"],
        pattern: r"(?-u:\b)hbp_[A-Za-z0-9]{36}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["HONEYBADGER_PERSONAL_AUTH_TOKEN=hbp_FAKEpSjylBETR193Y40gNW2mis5Cr2hwW2uc"],
        negatives: &["hbp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Reset the token at Honeybadger > User settings > Authentication.",
        ..BASE
    },
    Rule {
        id: "SEC221",
        name: "sumologic-access-key",
        description: "A Sumo Logic access key named in a configuration; with its access id it searches logs and manages collectors.",
        provider: "Sumo Logic",
        keywords: &["sumo"],
        pattern: ctx!(r"sumo", r"[A-Za-z0-9]{64}"),
        min_entropy: Some(4.0),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "SUMOLOGIC_ACCESS_KEY=FAKEwUJxcWUe9yV8bHnjz8jLBe6kic4W0yngUE4cA6R8mKGnmzSZILt1M2n2tTzk",
        ],
        negatives: &["SUMOLOGIC_ENV=us2"],
        rotation: "Delete the access key at Sumo Logic > Preferences > Access Keys (admins: Administration > Security > Access Keys) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC222",
        name: "splunk-hec-token",
        description: "A Splunk HTTP Event Collector token or session token named in a configuration; it writes events into the indexes it allows.",
        provider: "Splunk",
        keywords: &["splunk", "hec"],
        pattern: ctx!(
            r"splunk|(?-u:\b)hec",
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        ),
        examples: &["SPLUNK_HEC_TOKEN=a6c3d285-95bd-4242-accd-c0697d093ed9"],
        negatives: &["SPLUNK_INDEX=main"],
        rotation: "Disable and delete the token at Splunk > Settings > Data inputs > HTTP Event Collector and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC223",
        name: "opsgenie-api-key",
        description: "An Opsgenie API key named in a configuration; it creates and closes alerts and reads schedules.",
        provider: "Opsgenie",
        keywords: &["opsgenie"],
        pattern: ctx!(
            r"opsgenie",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &["OPSGENIE_API_KEY=7c74c8e2-c8cb-4f5e-a29f-91065b69a65a"],
        negatives: &["OPSGENIE_TEAM=ops"],
        rotation: "Delete the key at Opsgenie > Settings > API key management (or the integration's page) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC224",
        name: "codecov-upload-token",
        description: "A Codecov upload or API token named in a configuration; it uploads coverage for, or reads, the repository.",
        provider: "Codecov",
        keywords: &["codecov"],
        pattern: ctx!(
            r"codecov",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &["CODECOV_TOKEN=4dff27c0-b65e-461b-a983-a8a562002c29"],
        negatives: &["CODECOV_TOKEN: ${{ secrets.CODECOV_TOKEN }}"],
        rotation: "Regenerate the token at app.codecov.io > the repository > Settings > General (or the global upload token).",
        ..BASE
    },
    Rule {
        id: "SEC225",
        name: "okta-api-token",
        description: "An Okta API token named in a configuration; it manages the org's users, groups and applications with its creator's admin rights.",
        provider: "Okta",
        keywords: &["okta", "ssws"],
        pattern: r#"(?i-u:(?:okta[A-Za-z0-9_.\-]{0,20}?(?:token|key|secret)[A-Za-z0-9_.\-]{0,10}?["']?\s{0,4}(?::=|=>|=|:)\s{0,4}["']?|SSWS\s{1,4}))(?P<secret>00[A-Za-z0-9_\-]{40})(?:[^A-Za-z0-9_\-]|$)"#,
        min_entropy: Some(3.8),
        examples: &[
            "OKTA_API_TOKEN=00FAKEYhD6nodGFYnw1kymjIYUg_s1JXUBb14jN_UZ",
            "Authorization: SSWS 00FAKE3tEMMRem-Tr6Rf5Ykix8WPCqbrN4bkzHJ-BA",
        ],
        negatives: &["OKTA_ORG_URL=https://fake.okta.com"],
        rotation: "Revoke the token at Okta Admin Console > Security > API > Tokens and create a new one (or move to OAuth service apps).",
        ..BASE
    },
    Rule {
        id: "SEC226",
        name: "auth0-client-secret",
        description: "An Auth0 application client secret named in a configuration; it obtains tokens as the application (for M2M apps, Management API access).",
        provider: "Auth0",
        keywords: &["auth0"],
        pattern: ctx!(r"auth0", r"[A-Za-z0-9_\-]{64}"),
        min_entropy: Some(4.2),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "AUTH0_CLIENT_SECRET=FAKE2jajgMlZ9idOKFquybdZaV9vJDYmWxcq81Di6UR05tUXw3fE0VSaLNafq2l8",
        ],
        negatives: &["AUTH0_DOMAIN=fake.us.auth0.com"],
        rotation: "Rotate the secret at Auth0 Dashboard > Applications > the app > Settings > Rotate, and review tenant logs.",
        ..BASE
    },
    Rule {
        id: "SEC227",
        name: "frameio-api-token",
        description: "A Frame.io developer token (`fio-u-`); it reads and uploads the user's media and comments.",
        provider: "Frame.io",
        keywords: &["fio-u-"],
        pattern: r"(?-u:\b)fio-u-[A-Za-z0-9_=\-]{64}",
        min_entropy: Some(4.0),
        examples: &[
            "FRAMEIO_TOKEN=fio-u-FAKE5RHpMSUpeL8H1adgj1gu_JdV0PdMNKbS_y9Q7hcDKJuFRcldA8F7jiwMuRr-",
        ],
        negatives: &["fio-u-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the token at developer.frame.io > Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC228",
        name: "segment-public-api-token",
        description: "A Segment Public API token (`sgp_` + 64); it manages the workspace's sources, destinations and tracking plans.",
        provider: "Segment",
        keywords: &["sgp_"],
        pattern: r"(?-u:\b)sgp_[A-Za-z0-9]{64}(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &[
            "SEGMENT_TOKEN=sgp_FAKEQiXMmfUQTpxOr1nd1WDc5WWBRwwcCGQpaqxz5OSTNNWAdR1xrbq4ksUVLdJv",
        ],
        negatives: &["sgp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token at Segment > Settings > Workspace settings > Access Management > Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC229",
        name: "algolia-admin-key",
        description: "An Algolia admin or write API key named in a configuration; it changes and deletes the application's indices.",
        provider: "Algolia",
        keywords: &["algolia"],
        pattern: ctx!(r"algolia", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["ALGOLIA_ADMIN_KEY=d806adf02be0e404dac10b4dbbeb4ec5"],
        negatives: &["ALGOLIA_APP_ID=FAKEAPPID1"],
        rotation: "Regenerate the admin key at Algolia dashboard > Settings > API Keys (or delete the custom key) and deploy the replacement.",
        ..BASE
    },
    Rule {
        id: "SEC230",
        name: "contentful-token",
        description: "A Contentful management token (`CFPAT-`) or delivery/preview token named in a configuration; management tokens change all content.",
        provider: "Contentful",
        keywords: &["cfpat-"],
        pattern: r"(?-u:\b)(?P<secret>CFPAT-[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-FAKEEOr3ZPzEu4FQrU1Dg6s3XiZmjmSYzbqg-1Ce8wz",
        ],
        negatives: &["CFPAT-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token at Contentful > Settings > CMA tokens (or API keys for delivery tokens) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC231",
        name: "sanity-api-token",
        description: "A Sanity API token named in a configuration; editor tokens change the project's content.",
        provider: "Sanity",
        keywords: &["sanity"],
        pattern: ctx!(r"sanity", r"sk[A-Za-z0-9]{78,200}"),
        min_entropy: Some(4.2),
        examples: &[
            "SANITY_API_TOKEN=skFAKE5bPSJP4wLqA2EhuZUKwyOxSSnzGljlDHdVb9HFnL4KOEGHat6itUerTxkSW5ZwJQgSDDiqGnKPJ0e1ApjOH8XxY78I1uJBncc24lN7J4ivqkZeOsxqFjSXc4qY4XgstkCT8GET6SELRZMI2LH15MEys5d0Z7n2iB2BV8sMtuuF5B5HAF",
        ],
        negatives: &["SANITY_PROJECT_ID=fakeproj"],
        rotation: "Delete the token at sanity.io/manage > the project > API > Tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC232",
        name: "jenkins-api-token",
        description: "A Jenkins user API token named in a configuration; it triggers jobs and reads credentials the user can see.",
        provider: "Jenkins",
        keywords: &["jenkins"],
        pattern: ctx!(r"jenkins", r"11[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["JENKINS_API_TOKEN=11712c426afb3a4f4e44a25d18e61d7fdf"],
        negatives: &["JENKINS_URL=https://ci.fake.test"],
        rotation: "Revoke the token at Jenkins > your user > Security > API Token and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC233",
        name: "consul-acl-token",
        description: "A HashiCorp Consul ACL token named in a configuration; it reads and writes KV, services and intentions within its policies.",
        provider: "HashiCorp Consul",
        keywords: &["consul"],
        pattern: ctx!(
            r"consul",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &["CONSUL_HTTP_TOKEN=fb1c7427-f946-4828-ac96-d3ebf7bd2fcf"],
        negatives: &["CONSUL_HTTP_ADDR=127.0.0.1:8500"],
        rotation: "Delete the token with `consul acl token delete -accessor-id …` and create a new one from the same policy.",
        ..BASE
    },
    Rule {
        id: "SEC234",
        name: "drone-ci-token",
        description: "A Drone CI personal token named in a configuration; it triggers builds and reads repository secrets' metadata.",
        provider: "Drone CI",
        keywords: &["drone"],
        pattern: ctx!(r"drone", r"[A-Za-z0-9]{32}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["DRONE_TOKEN=FAKEOX4xbxJpK8C7GSmjEPF39fXvaBLF"],
        negatives: &["DRONE_SERVER=https://drone.fake.test"],
        rotation: "Rotate the token in the Drone UI > User settings (Reset token) and update consumers.",
        ..BASE
    },
    Rule {
        id: "SEC235",
        name: "bitly-access-token",
        description: "A Bitly access token named in a configuration; it creates and edits the account's short links.",
        provider: "Bitly",
        keywords: &["bitly"],
        pattern: ctx!(r"bitly", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["BITLY_ACCESS_TOKEN=afeb8ded7383ee4fc9c862fd4cf885389e482295"],
        negatives: &["BITLY_GROUP=fakegroup"],
        rotation: "Revoke the token at Bitly > Settings > API and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC236",
        name: "shodan-api-key",
        description: "A Shodan API key named in a configuration; it runs searches and scans on the account's credits.",
        provider: "Shodan",
        keywords: &["shodan"],
        pattern: ctx!(r"shodan", r"[A-Za-z0-9]{32}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["SHODAN_API_KEY=FAKECmFIeNemcZd73rTQxuIufYO4UkuS"],
        negatives: &["SHODAN_QUERY=port:22"],
        rotation: "Reset the key at account.shodan.io (Reset API Key).",
        ..BASE
    },
    Rule {
        id: "SEC237",
        name: "virustotal-api-key",
        description: "A VirusTotal API key named in a configuration; it submits files and queries reports on the account's quota.",
        provider: "VirusTotal",
        keywords: &["virustotal", "vt_api"],
        pattern: ctx!(r"virustotal|(?-u:\b)vt_api", r"[a-f0-9]{64}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "VIRUSTOTAL_API_KEY=2c20cb25b67eea6788d7a14a51edf2f5e361478b0cf76b2f2260e0194cfc526b",
        ],
        negatives: &["VIRUSTOTAL_FILE_SHA256_OF_SAMPLE=report"],
        rotation: "Regenerate the key in VirusTotal > your profile > API key.",
        ..BASE
    },
];
