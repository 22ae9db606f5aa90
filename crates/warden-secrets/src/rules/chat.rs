//! Messaging, email, voice and social platforms: Slack, Discord, Telegram, Teams, Twilio,
//! SendGrid, Mailgun and their peers, and social network API credentials.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

const SLACK_ROTATION: &str = "Revoke the token (api.slack.com/apps > the app > OAuth & Permissions > Revoke, or `auth.revoke`), reinstall the app to mint a new one, and review the workspace's access logs; Slack revokes tokens GitHub secret scanning reports.";

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC140",
        name: "slack-bot-token",
        description: "A Slack bot token (`xoxb-`); it posts, reads channels and calls the Web API as the app's bot user.",
        provider: "Slack",
        keywords: &["xoxb-"],
        pattern: r"(?-u:\b)xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}(?-u:\b)",
        validate: Some(validate::slack_token),
        examples: &["SLACK_BOT_TOKEN=xoxb-346946638237-9774556748353-FAKEEr00vNnc07yFX8Jmm0Z9"],
        negatives: &[
            "SLACK_BOT_TOKEN=xoxb-your-bot-token",
            "xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
        ],
        rotation: SLACK_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC141",
        name: "slack-user-token",
        description: "A Slack user, workspace, legacy or session token (`xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxc-`); it acts as the user who installed the app, with all their channels and DMs.",
        provider: "Slack",
        keywords: &["xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxc-"],
        pattern: r"(?-u:\b)xox[parsc]-(?:[0-9]{8,13}-){2,3}[A-Za-z0-9]{24,64}(?-u:\b)",
        validate: Some(validate::slack_token),
        examples: &[
            "SLACK_USER_TOKEN=xoxp-694050261255-841510293367-1639286163959-5c854f39bcae387a7ed8a821caa6c536",
            "token: xoxa-8233265912-86310327084-FAKEyliMq1HGpGLJdfQBknHPEAIkXsno",
        ],
        negatives: &[
            "xoxp-xxxxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
        rotation: SLACK_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC142",
        name: "slack-app-token",
        description: "A Slack app-level token (`xapp-`); it opens Socket Mode connections and receives every event the app subscribes to.",
        provider: "Slack",
        keywords: &["xapp-"],
        pattern: r"(?-u:\b)xapp-\d-[A-Z0-9]{9,12}-\d{10,16}-[a-f0-9]{64}(?-u:\b)",
        validate: Some(validate::slack_token),
        examples: &[
            "SLACK_APP_TOKEN=xapp-1-A0SZ3O6Y0N6-8743069200989-b7bd615b7772ddf6956daea68e259758d97e0d9ef439e9a187b13a796bd1cc26",
        ],
        negatives: &["SLACK_APP_TOKEN=xapp-1-..."],
        rotation: "Revoke and regenerate the token at api.slack.com/apps > the app > Basic Information > App-Level Tokens.",
        ..BASE
    },
    Rule {
        id: "SEC143",
        name: "slack-config-token",
        description: "A Slack configuration or rotating refresh token (`xoxe.xoxp-`, `xoxe-`); it manages apps or mints new user tokens.",
        provider: "Slack",
        keywords: &["xoxe.xoxp-", "xoxe.xoxb-", "xoxe-"],
        pattern: r"(?-u:\b)xoxe(?:\.xox[bp])?-1-[A-Za-z0-9]{140,180}(?-u:\b)",
        min_entropy: Some(4.5),
        validate: Some(validate::slack_token),
        examples: &[
            "SLACK_CONFIG_TOKEN=xoxe.xoxp-1-FAKE6CITK0lTB9yzBO4p6UwFekkrbL902k1iILkLYAxr0ETgZC4NUedmNHPphYIA6OIdWaFBF5MZWuqczoint9GQYzVO2WzBvTHhoWPF1Nj3an58DkYCB9oyYuwMS92XFJRJ1VuCOu792M8W8R4c6U",
            "refresh_token: xoxe-1-FAKE3Xg7BoE7MwpOZAwYmf6fCGGhUzQR8EYotroRFvQlSbhSKpJILdVYvVaiUOPWocZY8ItgMsK3mLPFV8q2Xh6Snyao936sv1dERI2TYKysnyqmxvHT3fvcpbLqxMu2voRjjVZRN5rBcFehDZ",
        ],
        negatives: &["xoxe-1-xxxx"],
        rotation: "Revoke configuration tokens at api.slack.com/apps > Your App Configuration Tokens and generate new ones; for refresh tokens, revoke the app's tokens with `auth.revoke` and reinstall.",
        ..BASE
    },
    Rule {
        id: "SEC144",
        name: "slack-webhook-url",
        description: "A Slack incoming-webhook or workflow-trigger URL; anyone holding it posts messages into the channel.",
        provider: "Slack",
        keywords: &["hooks.slack.com"],
        pattern: r"https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{23,25}|(?:workflows|triggers)/T[A-Z0-9]{8,12}/A[A-Z0-9]{8,12}/\d{12,20}/[a-f0-9]{32})",
        min_entropy: Some(4.0),
        examples: &[
            "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0LJFJ8J5X3/B08DJGILUXP/FAKEH96trs6VEhMwber7RIgv",
        ],
        negatives: &[
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        ],
        rotation: "Remove the webhook at api.slack.com/apps > the app > Incoming Webhooks (or the workflow's trigger) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC145",
        name: "discord-bot-token",
        description: "A Discord bot token named in a configuration; it controls the bot in every server it joined.",
        provider: "Discord",
        keywords: &["discord"],
        pattern: ctx!(
            r"discord",
            r"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"
        ),
        min_entropy: Some(4.0),
        examples: &[
            "DISCORD_BOT_TOKEN=MTFAKEnre2DGwyEzc6C66Ttnu0.UoItcX.FAKEtk3jQLKVARlrnYEoRcyoORfIyNnNkdTPBW",
            "client.login(discordToken = 'NFAKElbsQg2BQBso-V4BQAA2m.AjuzED.FAKEE1ZgKj7dpSwFTBCa6b7YJZ8')",
        ],
        negatives: &["DISCORD_BOT_TOKEN=process.env.DISCORD_TOKEN"],
        rotation: "Reset the token at discord.com/developers/applications > the app > Bot > Reset Token (Discord also resets tokens it finds in public repositories).",
        ..BASE
    },
    Rule {
        id: "SEC146",
        name: "discord-webhook-url",
        description: "A Discord webhook URL; anyone holding it posts messages into the channel as the webhook.",
        provider: "Discord",
        keywords: &["discord"],
        pattern: r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_\-]{60,68}",
        min_entropy: Some(4.0),
        examples: &[
            "webhook = \"https://discord.com/api/webhooks/8913876770646961096/FAKEXTW1grc2LAGBq6A1U5JlAjlEthcypTGSFq34w0LD8ii9UVKJ6vb40FmF_5qptcEU\"",
        ],
        negatives: &["https://discord.com/api/webhooks/{id}/{token}"],
        rotation: "Delete the webhook in the channel's Settings > Integrations > Webhooks and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC147",
        name: "telegram-bot-token",
        description: "A Telegram Bot API token; it reads every message sent to the bot and acts as the bot.",
        provider: "Telegram",
        keywords: &[":aa"],
        pattern: r"(?:^|[^0-9])(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_\-]{33})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "TELEGRAM_BOT_TOKEN=6424817374:AAFAKEj1LFiJp3GyOgcsW60OpvvIDBhI1GD",
            "https://api.telegram.org/bot350538084:AAFAKE5tnKehqHjkOT1gNbimE6ijSuenX_Q/sendMessage",
        ],
        negatives: &["TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token with @BotFather (`/revoke`, pick the bot) and deploy the new one.",
        ..BASE
    },
    Rule {
        id: "SEC148",
        name: "microsoft-teams-webhook-url",
        description: "A Microsoft Teams incoming-webhook URL; anyone holding it posts cards into the channel.",
        provider: "Microsoft Teams",
        keywords: &["webhook.office.com"],
        pattern: r"https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\-]{36}(?:/[A-Za-z0-9_\-]{40,})?",
        examples: &[
            "TEAMS_WEBHOOK=https://fakeco.webhook.office.com/webhookb2/96ebf59d-21b3-455b-a031-dc3308365ae7@326a4b7e-045e-46e2-adf5-25fd80708955/IncomingWebhook/ca85713ee8a340f6b0f8f79c88507083/6d954f9c-215b-40af-af13-adf4f9f12377",
        ],
        negatives: &["https://fakeco.webhook.office.com/webhookb2/<id>"],
        rotation: "Remove the Incoming Webhook connector from the channel (Manage channel > Connectors) or delete the workflow, and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC149",
        name: "google-chat-webhook-url",
        description: "A Google Chat incoming-webhook URL with its token; anyone holding it posts into the space.",
        provider: "Google Chat",
        keywords: &["chat.googleapis.com"],
        pattern: r"https://chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_\-]{8,16}/messages\?key=[A-Za-z0-9_\-]{39}&token=(?P<secret>[A-Za-z0-9_\-%=]{40,})",
        min_entropy: Some(4.0),
        examples: &[
            "https://chat.googleapis.com/v1/spaces/AAAA4-tSKHA/messages?key=AIzaFAKEq4KGjl15zCln3xlPQRLe3ZZ7pMd1cqu&token=FAKEyy83tjJRWqpapVgVwJ1JSz56GAA-J8FULNCblBa%3D",
        ],
        negatives: &["https://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN"],
        rotation: "Delete the webhook in the space's Apps & integrations > Webhooks and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC150",
        name: "zapier-webhook-url",
        description: "A Zapier catch-hook URL; anyone holding it triggers the Zap with arbitrary data.",
        provider: "Zapier",
        keywords: &["hooks.zapier.com"],
        pattern: r"https://hooks\.zapier\.com/hooks/catch/\d{4,12}/[a-z0-9]{5,10}/?",
        examples: &["ZAPIER_HOOK=https://hooks.zapier.com/hooks/catch/12304947/e46bpcg/"],
        negatives: &["https://hooks.zapier.com/hooks/catch/123/abc"],
        rotation: "Turn the Zap's trigger off and recreate the Catch Hook step to get a new URL.",
        ..BASE
    },
    Rule {
        id: "SEC151",
        name: "twilio-api-key",
        description: "A Twilio API key secret or SID (`SK…`) named in a configuration; it sends messages and calls on the account's bill.",
        provider: "Twilio",
        keywords: &["twilio"],
        pattern: ctx!(r"twilio", r"SK[0-9a-f]{32}|[A-Za-z0-9]{32}"),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "TWILIO_API_KEY=SKc8c23e3f03a6890912a3ef7066751b90",
            "TWILIO_API_SECRET=FAKEQy48JMDLsdOMeB72B1OywIuQwd8H",
        ],
        negatives: &["TWILIO_ACCOUNT_SID=ACee03bd4a974b06411ceaac76ea7372f1"],
        rotation: "Delete the API key at Twilio Console > Account > API keys & tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC152",
        name: "twilio-auth-token",
        description: "A Twilio account auth token named in a configuration; it is the account's master credential.",
        provider: "Twilio",
        keywords: &["twilio"],
        pattern: ctx!(r"twilio", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["TWILIO_AUTH_TOKEN=0215867ed1b2ae855b57c82f1cbd9099"],
        negatives: &["TWILIO_AUTH_TOKEN=your_auth_token"],
        rotation: "Rotate the auth token at Twilio Console > Account > API keys & tokens (request a secondary token, promote it), and move applications to API keys.",
        ..BASE
    },
    Rule {
        id: "SEC153",
        name: "sendgrid-api-key",
        description: "A SendGrid API key (`SG.`); it sends mail as the account's verified senders and reads contacts.",
        provider: "SendGrid",
        keywords: &["sg."],
        pattern: r"(?-u:\b)(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(4.0),
        examples: &[
            "SENDGRID_API_KEY=SG.FAKELc0AoiOwJtv2QN_xnG.FAKE4iaRvFbPKfCho8z24OFbSTtRlxtGo0Rv9hektfw",
        ],
        negatives: &["SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the key at SendGrid > Settings > API Keys, create a restricted replacement, and check Activity for mail sent with it.",
        ..BASE
    },
    Rule {
        id: "SEC154",
        name: "mailgun-api-key",
        description: "A Mailgun private API key named in a configuration; it sends mail from the account's domains and reads logs.",
        provider: "Mailgun",
        keywords: &["mailgun", "mg_"],
        pattern: ctx!(
            r"mailgun|(?-u:\b)mg_",
            r"key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}"
        ),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "MAILGUN_API_KEY=key-dd88cee0834d292a88685c926662b290",
            "MAILGUN_API_KEY=edf6d15b831c47651e33598d8d8dcae2-3d251db0-d2e4aa39",
        ],
        negatives: &["MAILGUN_DOMAIN=mg.example.com"],
        rotation: "Rotate the key at Mailgun > Account settings > API security (delete the old key), and update every sender.",
        ..BASE
    },
    Rule {
        id: "SEC155",
        name: "mailchimp-api-key",
        description: "A Mailchimp Marketing API key (32 hex + `-usN` data center); it reads and emails the audience.",
        provider: "Mailchimp",
        keywords: &["-us"],
        pattern: r"(?-u:\b)[a-f0-9]{32}-us[0-9]{1,2}(?-u:\b)",
        validate: Some(validate::leading_hex_mixed),
        examples: &["MAILCHIMP_API_KEY=e297c0e7d276da34811a42fa6be14d34-us21"],
        negatives: &["00000000000000000000000000000000-us1", "lang=en-us"],
        rotation: "Delete the key at Mailchimp > Profile > Extras > API keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC156",
        name: "mandrill-api-key",
        description: "A Mailchimp Transactional (Mandrill) API key named in a configuration; it sends mail from the account.",
        provider: "Mandrill",
        keywords: &["mandrill"],
        pattern: ctx!(r"mandrill", r"(?:md-)?[A-Za-z0-9_\-]{22}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["MANDRILL_API_KEY=md-FAKEdHVXvS4hTusph0_bAO"],
        negatives: &["MANDRILL_API_KEY=${MANDRILL_KEY}"],
        rotation: "Delete the key in Mailchimp Transactional > Settings > API Keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC157",
        name: "postmark-server-token",
        description: "A Postmark server or account token named in a configuration; it sends mail from the server's senders.",
        provider: "Postmark",
        keywords: &["postmark"],
        pattern: ctx!(
            r"postmark",
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
        validate: Some(validate::mixed_hex),
        examples: &[
            "POSTMARK_SERVER_TOKEN=8504bb83-b70f-4d0d-a8ba-3d0c5204eed6",
            "X-Postmark-Server-Token: af2a016b-566a-46c0-aa36-d123bfb88e49",
        ],
        negatives: &["POSTMARK_MESSAGE_STREAM=outbound"],
        rotation: "Regenerate the token at Postmark > the server > API Tokens (account tokens under Account > API Tokens).",
        ..BASE
    },
    Rule {
        id: "SEC158",
        name: "brevo-api-key",
        description: "A Brevo (Sendinblue) API or SMTP key (`xkeysib-`, `xsmtpsib-`); it sends mail and manages contacts.",
        provider: "Brevo",
        keywords: &["xkeysib-", "xsmtpsib-"],
        pattern: r"(?-u:\b)x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "BREVO_API_KEY=xkeysib-6b4bd923d2420dc738df5dc3adef852d88d6dd95c0c05bbf50494d31f98319ed-FAKETFfd4YgCpZNb",
        ],
        negatives: &[
            "xkeysib-0000000000000000000000000000000000000000000000000000000000000000-xxxxxxxxxxxxxxxx",
        ],
        rotation: "Delete the key at Brevo > SMTP & API > API Keys (or SMTP keys) and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC159",
        name: "mailjet-api-secret",
        description: "A Mailjet API secret key named in a configuration; with the API key it sends mail from the account.",
        provider: "Mailjet",
        keywords: &["mailjet", "mj_api"],
        pattern: ctx!(r"mailjet|(?-u:\b)mj_api", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &[
            "MAILJET_API_SECRET=05b00fdaba1d3f631f197054fbac9e6c",
            "MJ_APIKEY_PRIVATE=e64611398d5a5902c3c46690a5489a7d",
        ],
        negatives: &["MAILJET_SENDER=noreply@fake.test"],
        rotation: "Regenerate the secret key at Mailjet > Account settings > API Key Management.",
        ..BASE
    },
    Rule {
        id: "SEC160",
        name: "sparkpost-api-key",
        description: "A SparkPost API key named in a configuration; it sends mail and reads events.",
        provider: "SparkPost",
        keywords: &["sparkpost"],
        pattern: ctx!(r"sparkpost", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["SPARKPOST_API_KEY=6cd558f6b15fe14570c1f004aefda77ee9afdf28"],
        negatives: &["SPARKPOST_API_KEY="],
        rotation: "Delete the key at SparkPost > Configuration > API Keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC161",
        name: "resend-api-key",
        description: "A Resend API key named in a configuration; it sends mail from the account's domains.",
        provider: "Resend",
        keywords: &["resend"],
        pattern: ctx!(r"resend", r"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}"),
        min_entropy: Some(3.8),
        examples: &["RESEND_API_KEY=re_1XxYEdqu_FAKEz1COdcZvxukdmURb5Oo4"],
        negatives: &["RESEND_FROM=onboarding@resend.dev"],
        rotation: "Delete the key at resend.com > API Keys and create a new one with sending-only access.",
        ..BASE
    },
    Rule {
        id: "SEC162",
        name: "klaviyo-private-key",
        description: "A Klaviyo private API key (`pk_`) named in a configuration; it reads profiles and sends campaigns.",
        provider: "Klaviyo",
        keywords: &["klaviyo"],
        pattern: ctx!(r"klaviyo", r"pk_[a-f0-9]{34}"),
        validate: Some(validate::mixed_alnum),
        examples: &["KLAVIYO_PRIVATE_KEY=pk_86b77cdfe45932964728d848d8d4039a6a"],
        negatives: &["KLAVIYO_PUBLIC_KEY=AbC123"],
        rotation: "Revoke the key at Klaviyo > Settings > API keys and create a scoped one.",
        ..BASE
    },
    Rule {
        id: "SEC163",
        name: "twitch-client-secret",
        description: "A Twitch application client secret or OAuth token named in a configuration.",
        provider: "Twitch",
        keywords: &["twitch"],
        pattern: ctx!(r"twitch", r"[a-z0-9]{30}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["TWITCH_CLIENT_SECRET=fakepz78mkb3051fk5x2byfe3q8r3d"],
        negatives: &["TWITCH_CHANNEL=fakechannel"],
        rotation: "Generate a new secret at dev.twitch.tv/console > the application > New Secret; revoke OAuth tokens with the /oauth2/revoke endpoint.",
        ..BASE
    },
    Rule {
        id: "SEC164",
        name: "intercom-access-token",
        description: "An Intercom access token named in a configuration; it reads and writes the workspace's conversations and contacts.",
        provider: "Intercom",
        keywords: &["intercom"],
        pattern: ctx!(r"intercom", r"dG9rO[A-Za-z0-9_\-+/]{40,70}={0,2}"),
        min_entropy: Some(4.0),
        examples: &[
            "INTERCOM_ACCESS_TOKEN=dG9rOFAKE8saU5WRhNuxygN6Cq33sXaVNzyz1eZdtMcoC66pOb4UhbSZwIuS=",
        ],
        negatives: &["INTERCOM_APP_ID=fakeapp"],
        rotation: "Regenerate the token in the Intercom Developer Hub > the app > Authentication, or uninstall the app to revoke OAuth tokens.",
        ..BASE
    },
    Rule {
        id: "SEC165",
        name: "zendesk-api-token",
        description: "A Zendesk API token named in a configuration; with an agent email it acts on the help desk.",
        provider: "Zendesk",
        keywords: &["zendesk"],
        pattern: ctx!(r"zendesk", r"[A-Za-z0-9]{40}"),
        min_entropy: Some(4.0),
        validate: Some(validate::mixed_alnum),
        examples: &["ZENDESK_API_TOKEN=FAKEQlpknWkUmnYZLlHEe4GuGxI9SsAAhntSC57j"],
        negatives: &["ZENDESK_SUBDOMAIN=fakeco"],
        rotation: "Delete the token at Zendesk Admin Center > Apps and integrations > Zendesk API and add a new one.",
        ..BASE
    },
    Rule {
        id: "SEC166",
        name: "pusher-app-secret",
        description: "A Pusher Channels app secret named in a configuration; it signs private-channel auth and triggers events.",
        provider: "Pusher",
        keywords: &["pusher"],
        pattern: ctx!(r"pusher", r"[a-f0-9]{20}"),
        validate: Some(validate::mixed_hex),
        examples: &["PUSHER_APP_SECRET=387d50762124bce5dc85"],
        negatives: &["PUSHER_APP_CLUSTER=eu"],
        rotation: "Create a new key in the Pusher dashboard > the app > App Keys, deploy it, then delete the old key.",
        ..BASE
    },
    Rule {
        id: "SEC167",
        name: "vonage-api-secret",
        description: "A Vonage (Nexmo) API secret named in a configuration; it sends SMS and places calls on the account.",
        provider: "Vonage",
        keywords: &["vonage", "nexmo"],
        pattern: ctx!(r"vonage|nexmo", r"[A-Za-z0-9]{16}"),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &["VONAGE_API_SECRET=FAKEKFVh7IEDZTrS"],
        negatives: &["VONAGE_API_SECRET=CHANGEMEPLEASE12"],
        rotation: "Rotate the secret at the Vonage API Dashboard > Settings > API keys (add a new secret, then delete the old).",
        ..BASE
    },
    Rule {
        id: "SEC168",
        name: "messagebird-api-key",
        description: "A MessageBird (Bird) access key named in a configuration; it sends messages on the account.",
        provider: "MessageBird",
        keywords: &["messagebird"],
        pattern: ctx!(r"messagebird", r"[A-Za-z0-9]{25}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["MESSAGEBIRD_API_KEY=FAKEOKlkaCDuo4ECbRJzxgf3D"],
        negatives: &["MESSAGEBIRD_ORIGINATOR=FakeCo"],
        rotation: "Delete the access key in the Bird dashboard > Developers > API access and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC169",
        name: "facebook-access-token",
        description: "A Facebook / Meta Graph API access token (`EAA…`); it acts as the user, page or app within its permissions.",
        provider: "Meta",
        keywords: &["eaab", "eaac", "eaag", "eaai", "eaaj", "eaad"],
        pattern: r"(?-u:\b)EAA[BCDGIJ][A-Za-z0-9]{80,300}(?-u:\b)",
        min_entropy: Some(4.2),
        examples: &[
            "FB_PAGE_TOKEN=EAABFAKEjG399u12fsGdQdZ4UTZnhJ9GO8YKzLXklLY88dE8y5wSC3jyGaPuTFkUzRQ98eNPc6T3osvXyuHfC8GZOkoFwZ5wZcehhL1nVg2K4QKemMbycUP1PerbLcDdXFDHgN9bgllzGWWUusx2DB2sPH",
        ],
        negatives: &[
            "EAABxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
        rotation: "Invalidate the token (change the user's password, or remove the app at Settings > Business Integrations), and reset the app secret at developers.facebook.com > the app > Settings > Basic if it leaked too.",
        ..BASE
    },
    Rule {
        id: "SEC170",
        name: "facebook-app-secret",
        description: "A Facebook / Meta app secret named in a configuration; it mints app access tokens and verifies webhooks.",
        provider: "Meta",
        keywords: &["facebook", "fb_", "meta_app"],
        pattern: ctx!(r"facebook|(?-u:\b)fb_|meta_app", r"[a-f0-9]{32}"),
        validate: Some(validate::mixed_hex),
        examples: &["FACEBOOK_APP_SECRET=6af943b443c79e16359c36af10db7d70"],
        negatives: &["FACEBOOK_APP_ID=608597751250539"],
        rotation: "Reset the app secret at developers.facebook.com > the app > Settings > Basic.",
        ..BASE
    },
    Rule {
        id: "SEC171",
        name: "twitter-bearer-token",
        description: "A Twitter / X API app-only bearer token; it reads the API on the app's quota.",
        provider: "X (Twitter)",
        keywords: &["aaaaaaaaaaaaaaaaaaaaa"],
        pattern: r"(?-u:\b)AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{60,120}(?-u:\b)",
        min_entropy: Some(3.5),
        examples: &[
            "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAFAKEM88Bdmg2ifxOlNv8wLE7Atpdan%2BFAKEE4zIZkk9dwQK9zsW%3DFAKEm4y2AFk8NiWXLUdYWJjojh9pQ1d8HQ5Dv4Z4",
        ],
        negatives: &[
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ],
        rotation: "Regenerate the bearer token at developer.x.com > Projects & Apps > the app > Keys and tokens.",
        ..BASE
    },
    Rule {
        id: "SEC172",
        name: "twitter-api-secret",
        description: "A Twitter / X API key secret or access-token secret named in a configuration; it signs requests as the app or user.",
        provider: "X (Twitter)",
        keywords: &["twitter"],
        pattern: ctx!(r"twitter", r"[A-Za-z0-9]{45,50}"),
        min_entropy: Some(4.0),
        validate: Some(validate::mixed_alnum),
        examples: &["TWITTER_API_SECRET=FAKEdTYkJmkbohOFanrD3K7jR6GXAPCUng9XorUVHNXHgXaM2S"],
        negatives: &["TWITTER_HANDLE=@fake"],
        rotation: "Regenerate the API key and secret (and access token and secret) at developer.x.com > Projects & Apps > the app > Keys and tokens.",
        ..BASE
    },
    Rule {
        id: "SEC173",
        name: "linkedin-client-secret",
        description: "A LinkedIn application client secret named in a configuration; it exchanges codes for members' tokens.",
        provider: "LinkedIn",
        keywords: &["linkedin"],
        pattern: ctx!(
            r"linkedin",
            r"WPL_AP[0-9]\.[A-Za-z0-9]{16}\.[A-Za-z0-9+/]{8,}={0,2}|[A-Za-z0-9]{16}"
        ),
        min_entropy: Some(3.5),
        validate: Some(validate::mixed_alnum),
        examples: &["LINKEDIN_CLIENT_SECRET=WPL_AP1.FAKEGNa2jBqwNQ6K.84VOhXWt=="],
        negatives: &["LINKEDIN_CLIENT_ID=fakeclientid"],
        rotation: "Generate a new client secret at linkedin.com/developers > the app > Auth and delete the old one.",
        ..BASE
    },
    Rule {
        id: "SEC174",
        name: "mattermost-access-token",
        description: "A Mattermost personal access or bot token named in a configuration; it acts as the user or bot on the server.",
        provider: "Mattermost",
        keywords: &["mattermost"],
        pattern: ctx!(r"mattermost", r"[a-z0-9]{26}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["MATTERMOST_TOKEN=fakejqvkgto69t6u8mopffi278"],
        negatives: &["MATTERMOST_URL=https://chat.fake.test"],
        rotation: "Revoke the token at Profile > Security > Personal Access Tokens (or Integrations > Bot Accounts) and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC175",
        name: "zoom-client-secret",
        description: "A Zoom app client secret or secret token named in a configuration; it mints access tokens for the account.",
        provider: "Zoom",
        keywords: &["zoom"],
        pattern: ctx!(r"zoom", r"[A-Za-z0-9]{32}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["ZOOM_CLIENT_SECRET=FAKESEUkd1dPlDhCLAyuaJP25MFcpfYB"],
        negatives: &["ZOOM_ACCOUNT_ID=fakeaccount"],
        rotation: "Regenerate the client secret at marketplace.zoom.us > Manage > the app > App credentials.",
        ..BASE
    },
    Rule {
        id: "SEC176",
        name: "sendbird-api-token",
        description: "A Sendbird master or secondary API token named in a configuration; it manages the application's users and channels.",
        provider: "Sendbird",
        keywords: &["sendbird"],
        pattern: ctx!(r"sendbird", r"[a-f0-9]{40}"),
        validate: Some(validate::mixed_hex),
        examples: &["SENDBIRD_API_TOKEN=1ec4994af11735ff2850bb044e3fd501e73d6056"],
        negatives: &["SENDBIRD_APP_ID=79ce9be6-da27-4d12-a41a-efeabee3595b"],
        rotation: "Revoke the secondary token (or rotate the master token) in the Sendbird dashboard > Settings > Application > General.",
        ..BASE
    },
    Rule {
        id: "SEC177",
        name: "line-channel-secret",
        description: "A LINE Messaging API channel secret or access token named in a configuration; it sends messages as the official account.",
        provider: "LINE",
        keywords: &["line_channel", "linechannel", "line-channel"],
        pattern: ctx!(
            r"line[_\-]?channel",
            r"[a-f0-9]{32}|[A-Za-z0-9+/]{171,175}="
        ),
        min_entropy: Some(3.2),
        validate: Some(validate::mixed_alnum),
        examples: &["LINE_CHANNEL_SECRET=e7110ef6e86ad2ef1c41882a6ddda871"],
        negatives: &["LINE_CHANNEL_ID=4082676452"],
        rotation: "Reissue the channel secret and access token in the LINE Developers console > the channel > Basic settings / Messaging API.",
        ..BASE
    },
    Rule {
        id: "SEC178",
        name: "pushover-token",
        description: "A Pushover application or user key named in a configuration; it sends notifications to the user's devices.",
        provider: "Pushover",
        keywords: &["pushover"],
        pattern: ctx!(r"pushover", r"[a-z0-9]{30}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["PUSHOVER_APP_TOKEN=fakeoueghz7ft9v3vl1utdgrxl4b52"],
        negatives: &["PUSHOVER_DEVICE=phone"],
        rotation: "Delete and recreate the application at pushover.net > Your Applications; reset the user key in account settings.",
        ..BASE
    },
];
