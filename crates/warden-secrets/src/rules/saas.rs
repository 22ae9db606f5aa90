//! Productivity, collaboration, CRM, content and web3 services.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

const DROPBOX_ROTATION: &str = "Revoke the token (`/2/auth/token/revoke`, or disconnect the app at dropbox.com > Settings > Connected apps); reset the app secret in the App Console if it leaked too.";

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC238",
        name: "linear-api-key",
        description: "A Linear personal API key or OAuth token (`lin_api_`, `lin_oauth_`); it reads and changes the workspace's issues and projects.",
        provider: "Linear",
        keywords: &["lin_api_", "lin_oauth_"],
        pattern: r"(?-u:\b)(?:lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64})(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["LINEAR_API_KEY=lin_api_FAKExEvQXoXJChZVCN1QrsRjLKZjXN9k5WYP6Eaz"],
        negatives: &["lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the key at Linear > Settings > Security & access > Personal API keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC239",
        name: "notion-integration-token",
        description: "A Notion integration token (`ntn_`, or legacy `secret_` + 43); it reads and edits every page shared with the integration.",
        provider: "Notion",
        keywords: &["ntn_", "secret_"],
        pattern: r"(?-u:\b)(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})(?-u:\b)",
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "NOTION_TOKEN=ntn_19793483468FAKEGJlxn0tcVgjnHY2zPMi2beasfL9Iqy6",
            "NOTION_API_KEY=secret_FAKEhQx9U9GUGqzZTwFre2b0H0dODammm8EjQ3CqVUS",
        ],
        negatives: &[
            "secret_key_base_for_rails_application_cookies_x",
            "secret_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
        rotation: "Refresh the integration's secret at notion.so/profile/integrations > the integration > Refresh, and review which pages were shared with it.",
        ..BASE
    },
    Rule {
        id: "SEC240",
        name: "airtable-personal-access-token",
        description: "An Airtable personal access token (`pat….`); it reads and writes the bases it was granted.",
        provider: "Airtable",
        keywords: &["pat"],
        pattern: r"(?-u:\b)pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "AIRTABLE_TOKEN=patFAKEV1tN43HCjq.51b03bf5b511fb554e42ed544127afce73b5483a7b1a0a0af5541872438d9e7c",
        ],
        negatives: &["pattern.matches(input)"],
        rotation: "Delete or regenerate the token at airtable.com/create/tokens.",
        ..BASE
    },
    Rule {
        id: "SEC241",
        name: "airtable-legacy-api-key",
        description: "A deprecated Airtable API key (`key` + 14) named in a configuration; it had full access to the user's bases.",
        provider: "Airtable",
        keywords: &["airtable"],
        pattern: ctx!(r"airtable", r"key[A-Za-z0-9]{14}"),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &["AIRTABLE_API_KEY=keyFAKEw5jjPwx22x"],
        negatives: &["AIRTABLE_BASE_ID=appFAKEsh7SnrsyUm"],
        rotation: "Airtable has retired API keys; create a scoped personal access token and delete any key still listed on the account page.",
        ..BASE
    },
    Rule {
        id: "SEC242",
        name: "asana-personal-access-token",
        description: "An Asana personal access token named in a configuration; it acts as the user on every workspace they belong to.",
        provider: "Asana",
        keywords: &["asana"],
        pattern: ctx!(
            r"asana",
            r"[0-9]/[0-9]{10,16}(?:/[0-9]{10,16})?:[A-Za-z0-9]{32}"
        ),
        min_entropy: Some(3.5),
        examples: &[
            "ASANA_ACCESS_TOKEN=2/6640825658704260/4431432133556631:13c06e60e059420212e835131e03c187",
            "ASANA_PAT=1/7994085095166663:3ea65476be2bb2a71c449e28a7bc16b1",
        ],
        negatives: &["ASANA_WORKSPACE=9091002599050649"],
        rotation: "Deauthorize the token at Asana > Settings > Apps > Developer apps (Manage developer apps) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC243",
        name: "dropbox-access-token",
        description: "A Dropbox short-lived access token (`sl.`); for a few hours it reads and writes the user's or team's files within the app's permissions.",
        provider: "Dropbox",
        keywords: &["sl."],
        pattern: r"(?-u:\b)(?P<secret>sl\.(?:u\.)?[A-Za-z0-9_\-]{130,})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "DROPBOX_ACCESS_TOKEN=sl.FAKE17yl3PEcwWaoHKbFSHH5lNVXuH7SPiaBZ5OQ_XKAmXREF1HI2_-1SnCPwujC1yUXH1mOg10BazSSIAzk6e_Mj3mROvWjKSlLFh1c7dIY0Jj8yv8Racxj_Y1I-zxGStoxMVSQlVhZ",
        ],
        negatives: &["ssl.wrap_socket(sock)", "sl.xxxx"],
        rotation: DROPBOX_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC274",
        name: "dropbox-long-lived-token",
        description: "A Dropbox long-lived access token (11 characters, ten `A`s, 43 more); it reads and writes the user's or team's files until revoked.",
        provider: "Dropbox",
        keywords: &["aaaaaaaaaa"],
        pattern: r"(?-u:\b)(?P<secret>[a-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "DROPBOX_TOKEN=rtjh3gy5qtcAAAAAAAAAAFAKE_30hucovzhCijbDRrHMoMNpxwgfSGNwM41CMIiU",
        ],
        negatives: &[
            "padding = 'abcdefghijkAAAAAAAAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
        ],
        rotation: DROPBOX_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC244",
        name: "figma-access-token",
        description: "A Figma personal access token (`figd_`); it reads the user's files and comments.",
        provider: "Figma",
        keywords: &["figd_"],
        pattern: r"(?-u:\b)(?P<secret>figd_[A-Za-z0-9_\-]{40})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.8),
        examples: &["FIGMA_TOKEN=figd_FAKE3rJTPgCXJ_3GpUV8wUh2rIW_Mz5tWIiWPq8o"],
        negatives: &["figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token at Figma > Settings > Security > Personal access tokens and create a new one with an expiry.",
        ..BASE
    },
    Rule {
        id: "SEC245",
        name: "hubspot-private-app-token",
        description: "A HubSpot private app access token (`pat-na1-`…); it reads and writes CRM records within its scopes.",
        provider: "HubSpot",
        keywords: &["pat-na1-", "pat-na2-", "pat-eu1-", "pat-ap1-"],
        pattern: r"(?-u:\b)pat-(?:na1|na2|eu1|ap1)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &["HUBSPOT_ACCESS_TOKEN=pat-na1-de99d6d9-1d58-4e54-aa96-0877cda1343e"],
        negatives: &["pat-na1-00000000-0000-0000-0000-000000000000"],
        rotation: "Rotate the token at HubSpot > Settings > Integrations > Private apps > the app > Auth > Rotate.",
        ..BASE
    },
    Rule {
        id: "SEC246",
        name: "trello-api-token",
        description: "A Trello user token named in a configuration; with the API key it reads and changes the user's boards.",
        provider: "Trello",
        keywords: &["trello"],
        pattern: ctx!(r"trello", r"ATTA[A-Za-z0-9]{64}[A-F0-9]{8}|[a-f0-9]{64}"),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "TRELLO_TOKEN=ATTAFAKElSlHKStjzgVfHZM8we8wOugooWzFzzJ3k3qyx8anZiHtdoqtsG12QNg6aHm466664C7A",
        ],
        negatives: &["TRELLO_BOARD_ID=ZtCa8y6C"],
        rotation: "Revoke the token at trello.com > Account > Settings > Applications (Revoke) and authorize again.",
        ..BASE
    },
    Rule {
        id: "SEC247",
        name: "clickup-api-token",
        description: "A ClickUp personal API token (`pk_`); it acts as the user on the workspace's tasks and docs.",
        provider: "ClickUp",
        keywords: &["pk_"],
        pattern: r"(?-u:\b)pk_[0-9]{6,10}_[A-Z0-9]{32}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &["CLICKUP_API_TOKEN=pk_79471364_FAKESOH0KOWX1Y779WWD46PNLP8QZ9MR"],
        negatives: &["pk_12345678_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Regenerate the token at ClickUp > Settings > Apps > API Token.",
        ..BASE
    },
    Rule {
        id: "SEC248",
        name: "typeform-access-token",
        description: "A Typeform personal access token (`tfp_`); it reads the account's forms and responses.",
        provider: "Typeform",
        keywords: &["tfp_"],
        pattern: r"(?-u:\b)(?P<secret>tfp_[A-Za-z0-9_\-.]{55,65})(?:[^A-Za-z0-9_\-.]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "TYPEFORM_TOKEN=tfp_FAKE45Lm16IbPdRDn5NXKmgXc7y9SdLE2Wgu78PG0hQQ_FAKE3iYPt6qGbX",
        ],
        negatives: &["tfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the token at Typeform > Account > Personal tokens and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC249",
        name: "box-client-secret",
        description: "A Box application client secret or developer token named in a configuration; it acts on the enterprise's or user's files.",
        provider: "Box",
        keywords: &["box"],
        pattern: ctx!(r"(?-u:\b)box", r"[A-Za-z0-9]{32}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["BOX_CLIENT_SECRET=FAKE8GmelGnM9VxtryD2qsN0syli8JI8"],
        negatives: &["BOX_FOLDER_ID=0"],
        rotation: "Reset the client secret at Box Developer Console > the app > Configuration, and revoke developer tokens there.",
        ..BASE
    },
    Rule {
        id: "SEC250",
        name: "smartsheet-access-token",
        description: "A Smartsheet API access token named in a configuration; it reads and writes the user's sheets.",
        provider: "Smartsheet",
        keywords: &["smartsheet"],
        pattern: ctx!(r"smartsheet", r"[A-Za-z0-9]{37}|[a-z0-9]{26}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["SMARTSHEET_ACCESS_TOKEN=FAKEXmDY8PMKo38XvRF34luseQRHpX03XiBcn"],
        negatives: &["SMARTSHEET_SHEET_ID=6689960496341630"],
        rotation: "Revoke the token at Smartsheet > Account > Apps & Integrations > API Access and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC251",
        name: "webflow-api-token",
        description: "A Webflow API token named in a configuration; it publishes and edits the site's CMS content.",
        provider: "Webflow",
        keywords: &["webflow"],
        pattern: ctx!(r"webflow", r"[a-f0-9]{64}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "WEBFLOW_API_TOKEN=06e1645c3dd0b1ad24cdfe6334d9060283485ca23522affb779f296c577a0d67",
        ],
        negatives: &["WEBFLOW_SITE_ID=56b99031fd99f316296f9a5f"],
        rotation: "Delete the token at Webflow > Site settings > Apps & integrations > API access and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC252",
        name: "pipedrive-api-token",
        description: "A Pipedrive API token named in a configuration; it reads and changes the company's CRM data as the user.",
        provider: "Pipedrive",
        keywords: &["pipedrive"],
        pattern: ctx!(r"pipedrive", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["PIPEDRIVE_API_TOKEN=733b979b8547ee33990f976b631525ed85581724"],
        negatives: &["PIPEDRIVE_COMPANY_DOMAIN=fakeco"],
        rotation: "Regenerate the token at Pipedrive > Personal preferences > API.",
        ..BASE
    },
    Rule {
        id: "SEC253",
        name: "todoist-api-token",
        description: "A Todoist API token named in a configuration; it reads and changes the user's tasks.",
        provider: "Todoist",
        keywords: &["todoist"],
        pattern: ctx!(r"todoist", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["TODOIST_API_TOKEN=9689988303afcd3fee29b8304e5bff789bf9b4c2"],
        negatives: &["TODOIST_PROJECT=Inbox"],
        rotation: "Issue a new token at Todoist > Settings > Integrations > Developer.",
        ..BASE
    },
    Rule {
        id: "SEC254",
        name: "coda-api-token",
        description: "A Coda API token named in a configuration; it reads and edits the user's docs.",
        provider: "Coda",
        keywords: &["coda"],
        pattern: ctx!(
            r"(?-u:\b)coda",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &["CODA_API_TOKEN=41d32487-8300-49cb-a53a-8de8e90657ff"],
        negatives: &["CODA_DOC_ID=fakeDoc"],
        rotation: "Delete the token at coda.io/account > API settings and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC255",
        name: "freshdesk-api-key",
        description: "A Freshdesk API key named in a configuration; it acts as the agent on tickets and contacts.",
        provider: "Freshdesk",
        keywords: &["freshdesk"],
        pattern: ctx!(r"freshdesk", r"[A-Za-z0-9]{20}"),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &["FRESHDESK_API_KEY=FAKE9YJR5EvJS9EK0T0n"],
        negatives: &["FRESHDESK_DOMAIN=fakeco"],
        rotation: "Reset the key at Freshdesk > Profile settings > Your API Key.",
        ..BASE
    },
    Rule {
        id: "SEC256",
        name: "ghost-admin-api-key",
        description: "A Ghost Admin API key (`id:secret`) named in a configuration; it publishes and deletes the site's content.",
        provider: "Ghost",
        keywords: &["ghost"],
        pattern: ctx!(r"ghost", r"[0-9a-f]{24}:[0-9a-f]{64}"),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "GHOST_ADMIN_API_KEY=4daf320086140cd5ff2f10d6:b1b14a8045d65f97fe33eb1c17cd97311ef8b9ff2eb9728b9c02bef0ebc6973f",
        ],
        negatives: &["GHOST_API_URL=https://blog.fake.test"],
        rotation: "Regenerate the key at Ghost Admin > Settings > Integrations > the custom integration.",
        ..BASE
    },
    Rule {
        id: "SEC257",
        name: "discourse-api-key",
        description: "A Discourse API key named in a configuration; global keys act as any user on the forum.",
        provider: "Discourse",
        keywords: &["discourse"],
        pattern: ctx!(r"discourse", r"[a-f0-9]{64}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "DISCOURSE_API_KEY=1adb7f48f69a7606ffbef7d46784e8538309874b2cfa65b7d4035ce8df1a6707",
        ],
        negatives: &["DISCOURSE_API_USERNAME=system"],
        rotation: "Revoke the key at the forum's Admin > Advanced > API keys and create a scoped one.",
        ..BASE
    },
    Rule {
        id: "SEC258",
        name: "openweathermap-api-key",
        description: "An OpenWeatherMap API key named in a configuration; it calls weather APIs on the account's plan.",
        provider: "OpenWeatherMap",
        keywords: &["openweather", "owm"],
        pattern: ctx!(r"openweather|(?-u:\b)owm", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["OPENWEATHER_API_KEY=d7b983134f6c5e03707d6423c502aa1d"],
        negatives: &["OPENWEATHER_UNITS=metric"],
        rotation: "Delete the key at home.openweathermap.org/api_keys and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC259",
        name: "lob-api-key",
        description: "A Lob live or test API key named in a configuration; live keys send mail and checks on the account.",
        provider: "Lob",
        keywords: &["lob"],
        pattern: ctx!(r"(?-u:\b)lob", r"(?:live|test)_[a-f0-9]{35}"),
        examples: &["LOB_API_KEY=live_dc10f57f893436888988c82850e5af94108"],
        negatives: &["LOB_API_VERSION=2020-02-11"],
        rotation: "Roll the key at Lob dashboard > Settings > API Keys.",
        ..BASE
    },
    Rule {
        id: "SEC260",
        name: "etherscan-api-key",
        description: "An Etherscan API key named in a configuration; it queries the chain and verifies contracts on the account's quota.",
        provider: "Etherscan",
        keywords: &["etherscan"],
        pattern: ctx!(r"etherscan", r"[A-Z0-9]{34}"),
        min_entropy: Some(3.8),
        examples: &["ETHERSCAN_API_KEY=FAKEIEKW23CFZAPL5D4Z9FIWNN6SDKI58K"],
        negatives: &["ETHERSCAN_NETWORK=mainnet"],
        rotation: "Delete the key at etherscan.io > API Keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC261",
        name: "infura-api-key",
        description: "An Infura API key or secret named in a configuration; it sends RPC calls on the project's quota.",
        provider: "Infura",
        keywords: &["infura"],
        pattern: ctx!(r"infura", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["INFURA_API_KEY=a95f7356f6351cfdf1c0502071f688df"],
        negatives: &["INFURA_NETWORK=sepolia"],
        rotation: "Delete the key at app.infura.io > API keys and create a new one with allow-lists.",
        ..BASE
    },
    Rule {
        id: "SEC262",
        name: "alchemy-api-key",
        description: "An Alchemy API key named in a configuration; it sends RPC calls on the app's compute units.",
        provider: "Alchemy",
        keywords: &["alchemy"],
        pattern: ctx!(r"alchemy", r"[A-Za-z0-9_\-]{32}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["ALCHEMY_API_KEY=FAKE5xP1-IWkfPqJW4WE_VYmUL1p3C8x"],
        negatives: &["ALCHEMY_NETWORK=eth-mainnet"],
        rotation: "Rotate the key at dashboard.alchemy.com > the app > API key.",
        ..BASE
    },
    Rule {
        id: "SEC263",
        name: "binance-api-secret",
        description: "A Binance API secret named in a configuration; with its key it trades (and, if enabled, withdraws) on the account.",
        provider: "Binance",
        keywords: &["binance"],
        pattern: ctx!(r"binance", r"[A-Za-z0-9]{64}"),
        min_entropy: Some(4.2),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "BINANCE_API_SECRET=FAKEH3klsQXPmiYFXVr1DOyi4fTvPNNRRVTWjmFvVSGG5UkYTNab7U3ISA7OncSO",
        ],
        negatives: &["BINANCE_BASE_URL=https://api.binance.com"],
        rotation: "Delete the key at Binance > Account > API Management and create a new one with IP restrictions and withdrawals disabled.",
        ..BASE
    },
];
