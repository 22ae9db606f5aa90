//! Payments, commerce and shipping: Stripe, Square, PayPal/Braintree, Adyen, Shopify and the
//! rest of the money path.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC118",
        name: "stripe-secret-key",
        description: "A Stripe secret API key (`sk_live_`, `sk_test_`); live keys move money, issue refunds and read every customer's payment data.",
        provider: "Stripe",
        keywords: &["sk_live_", "sk_test_"],
        pattern: r"(?-u:\b)sk_(?:live|test)_[A-Za-z0-9]{24,247}(?-u:\b)",
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "STRIPE_SECRET_KEY=sk_live_FAKEtRPtoJA7KfqUNGuXatv0GrvvnFKcxBOmP3jRTV9CKyxvFkHbMqK9ACxlNFl61FQyVy4Eay4tj5HXkvIg2Y22rZHe1tSWZv7",
            "Stripe.api_key = 'sk_test_FAKEtRmzhnVaREBVuE85jhuv'",
        ],
        negatives: &[
            "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "STRIPE_PUBLISHABLE_KEY=pk_live_FAKEjHnCdTungtlZh4l2LdsZHMX2eV0G6WD0CfdqnY2UouII8SDgyxNrYY0n7fEmxLhnAnBMovlIhGlBLrDyHIhJxe7wxVbYWN7",
        ],
        rotation: "Roll the key at Stripe Dashboard > Developers > API keys (Roll key, with an expiry for the old one if needed), update your servers, and review the account's request logs; prefer restricted keys.",
        ..BASE
    },
    Rule {
        id: "SEC119",
        name: "stripe-restricted-key",
        description: "A Stripe restricted API key (`rk_live_`, `rk_test_`); it performs the API operations it was granted.",
        provider: "Stripe",
        keywords: &["rk_live_", "rk_test_"],
        pattern: r"(?-u:\b)rk_(?:live|test)_[A-Za-z0-9]{24,247}(?-u:\b)",
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "STRIPE_RESTRICTED_KEY=rk_live_FAKEF7lKZW5NTgnwt4OdpaXRpWcgVW2k0gEj0h9Ku06qFAFLuNECMHKWhLMG7FnKj6MCkgEguJgV9DhApVFDEuUZYpWcfBynj60",
        ],
        negatives: &["rk_live_<restricted-key>"],
        rotation: "Roll or delete the restricted key at Stripe Dashboard > Developers > API keys and create a new one with the same limited permissions.",
        ..BASE
    },
    Rule {
        id: "SEC120",
        name: "stripe-webhook-secret",
        description: "A Stripe webhook signing secret (`whsec_`); with it anyone can forge webhook events your endpoint will trust.",
        provider: "Stripe",
        keywords: &["whsec_"],
        pattern: r"(?-u:\b)whsec_[A-Za-z0-9+/=]{32,100}",
        min_entropy: Some(3.8),
        examples: &["STRIPE_WEBHOOK_SECRET=whsec_FAKE19z5Gny18TaaCsA8hkITWLKtEMWa"],
        negatives: &["STRIPE_WEBHOOK_SECRET=whsec_..."],
        rotation: "Roll the signing secret at Stripe Dashboard > Developers > Webhooks > the endpoint > Roll secret, and deploy the new secret.",
        ..BASE
    },
    Rule {
        id: "SEC121",
        name: "square-access-token",
        description: "A Square access token (`sq0atp-`, or `EAAA` named in a configuration); it takes payments and reads the seller's data.",
        provider: "Square",
        keywords: &["sq0atp-", "eaaa"],
        pattern: r#"(?-u:\b)(?P<secret>sq0atp-[A-Za-z0-9_\-]{22}|EAAA[A-Za-z0-9_\-+=]{60})(?:[^A-Za-z0-9_\-+=]|$)"#,
        min_entropy: Some(3.8),
        examples: &[
            "SQUARE_ACCESS_TOKEN=sq0atp-FAKEw5WW-6WfkcsgAnMBWJ",
            "SQUARE_ACCESS_TOKEN=EAAAFAKEoeTbWnkjyVQHaxLnlgMlOHLAFW8OdoahLvDmtiu-1zFmva2NJmLfA70d",
        ],
        negatives: &["sq0atp-XXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Revoke the token at Square Developer Dashboard > the application > Credentials (Replace for personal tokens, or revoke the OAuth authorization) and issue a new one.",
        ..BASE
    },
    Rule {
        id: "SEC122",
        name: "square-oauth-secret",
        description: "A Square application OAuth secret (`sq0csp-`); it exchanges authorization codes for sellers' access tokens.",
        provider: "Square",
        keywords: &["sq0csp-"],
        pattern: r"(?-u:\b)(?P<secret>sq0csp-[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
        min_entropy: Some(3.8),
        examples: &["SQUARE_APP_SECRET=sq0csp-FAKElBePsU2Ok1j45PGQb9c3Y1nMdDRRIjaqJi9wxfd"],
        negatives: &["sq0csp-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
        rotation: "Replace the application secret at Square Developer Dashboard > the application > OAuth > Replace secret.",
        ..BASE
    },
    Rule {
        id: "SEC123",
        name: "braintree-access-token",
        description: "A PayPal Braintree access token (`access_token$production$…`); it processes payments for the merchant.",
        provider: "PayPal",
        keywords: &["access_token$production$", "access_token$sandbox$"],
        pattern: r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}",
        examples: &[
            "BRAINTREE_ACCESS_TOKEN=access_token$production$fakeke4p7tu2mnvu$c0174ae4f24ffe5e9504cc9459b27741",
        ],
        negatives: &["access_token$production$<merchant>$<token>"],
        rotation: "Revoke the token in the Braintree Control Panel > Settings > API (or the PayPal developer dashboard) and generate a new one.",
        ..BASE
    },
    Rule {
        id: "SEC124",
        name: "paypal-client-secret",
        description: "A PayPal REST client secret named in a configuration; with the client id it moves money on the merchant account.",
        provider: "PayPal",
        keywords: &["paypal"],
        pattern: ctx!(r"paypal", r"E[A-Za-z0-9_\-]{79}"),
        min_entropy: Some(4.0),
        validate: Some(validate::mixed_alnum),
        examples: &[
            "PAYPAL_CLIENT_SECRET=EFAKEToCYaY-mVVEqwJYAjuB6GTz6aCVhb64wbHxkj11FkHgJdOJnUshU1C1QPSGXknDz6VEiWHGnxpP",
        ],
        negatives: &[
            "PAYPAL_CLIENT_ID=AFAKErOlnWZlmWwcIj8QiTqE6zBj1hrmoeptUp2XZnzdYWWAAX_JES7YkDUZYW0KjIWp8uo_9QUZnZCj",
        ],
        rotation: "Generate a new secret for the app at developer.paypal.com > Apps & Credentials, deploy it, and disable the old one.",
        ..BASE
    },
    Rule {
        id: "SEC125",
        name: "adyen-api-key",
        description: "An Adyen API key (`AQE…`) named in a configuration; it authorizes payments and payouts for the merchant account.",
        provider: "Adyen",
        keywords: &["adyen"],
        pattern: ctx!(
            r"adyen",
            r"AQE[A-Za-z0-9+/=]{40,}-[A-Za-z0-9+/=]{40,}-[A-Za-z0-9+/=;:,.!%{}<>\[\]()]{8,}"
        ),
        min_entropy: Some(4.0),
        examples: &[
            "ADYEN_API_KEY=AQEFAKEw5iqI8k/+8AkNYbpZYv1qS5BhOalJBJQKJaouRVlTZIa2kIQh4bDMKRTYVY5s3WoZBMv+WybUN6V==-FAKENzVAhuAnwia9eSDFYXqIFRRVRe3E422qkeKAxS3=-FAKErl2O9hhW",
        ],
        negatives: &["ADYEN_MERCHANT_ACCOUNT=FakeMerchantECOM"],
        rotation: "Generate a new API key for the API credential in the Adyen Customer Area > Developers > API credentials, deploy it, then revoke the old key.",
        ..BASE
    },
    Rule {
        id: "SEC126",
        name: "shopify-access-token",
        description: "A Shopify Admin API, custom-app, private-app or shared secret (`shpat_`, `shpca_`, `shppa_`, `shpss_`); it reads and changes the store's orders, customers and products.",
        provider: "Shopify",
        keywords: &["shpat_", "shpca_", "shppa_", "shpss_"],
        pattern: r"(?-u:\b)shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &[
            "SHOPIFY_ACCESS_TOKEN=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",
            "shared_secret: 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",
        ],
        negatives: &["shpat_00000000000000000000000000000000"],
        rotation: "Uninstall and reinstall the custom app (or rotate the app's API secret in the Partner Dashboard) to revoke the token, and review the store's staff and app activity.",
        ..BASE
    },
    Rule {
        id: "SEC127",
        name: "shippo-api-token",
        description: "A Shippo API token (`shippo_live_`, `shippo_test_`); live tokens buy shipping labels on the account.",
        provider: "Shippo",
        keywords: &["shippo_live_", "shippo_test_"],
        pattern: r"(?-u:\b)shippo_(?:live|test)_[a-f0-9]{40}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &["SHIPPO_API_KEY=shippo_live_4617def9e6112333e33500620bf5c7fba33f7058"],
        negatives: &["shippo_live_0000000000000000000000000000000000000000"],
        rotation: "Regenerate the token at Shippo > Settings > API and deploy it.",
        ..BASE
    },
    Rule {
        id: "SEC128",
        name: "plaid-access-token",
        description: "A Plaid access token; it reads a linked bank account's balances, transactions and identity.",
        provider: "Plaid",
        keywords: &[
            "access-production-",
            "access-development-",
            "access-sandbox-",
        ],
        pattern: r"(?-u:\b)access-(?:production|development|sandbox)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?-u:\b)",
        validate: Some(validate::mixed_hex),
        examples: &[
            "plaid_access_token = \"access-production-baf7b944-ffac-4ec8-ace6-53ce6efa1815\"",
        ],
        negatives: &["access-production-00000000-0000-0000-0000-000000000000"],
        rotation: "Rotate it with Plaid's /item/access_token/invalidate endpoint (or remove the Item with /item/remove), and rotate the client secret in the Plaid Dashboard if it leaked as well.",
        ..BASE
    },
    Rule {
        id: "SEC129",
        name: "plaid-client-secret",
        description: "A Plaid client secret named in a configuration; with the client id it calls the Plaid API for every linked account.",
        provider: "Plaid",
        keywords: &["plaid"],
        pattern: ctx!(r"plaid", r"[a-f0-9]{30}"),
        validate: Some(validate::mixed_hex),
        examples: &["PLAID_SECRET=d679b0b9272ae716860522921200aa"],
        negatives: &["PLAID_ENV=sandbox"],
        rotation: "Rotate the secret at Plaid Dashboard > Team settings > Keys.",
        ..BASE
    },
    Rule {
        id: "SEC130",
        name: "flutterwave-secret-key",
        description: "A Flutterwave secret key (`FLWSECK-`, `FLWSECK_TEST-`); it collects and disburses payments.",
        provider: "Flutterwave",
        keywords: &["flwseck"],
        pattern: r"(?-u:\b)FLWSECK(?:_TEST)?-[a-h0-9]{32}-X(?-u:\b)",
        examples: &["FLW_SECRET_KEY=FLWSECK_TEST-4932b7a0acbaaaa25cb73f11aa9e8456-X"],
        negatives: &["FLWPUBK_TEST-88f3800309a2f78014e135867909e9c1-X"],
        rotation: "Regenerate the API keys at Flutterwave dashboard > Settings > API keys and update your servers.",
        ..BASE
    },
    Rule {
        id: "SEC131",
        name: "gocardless-access-token",
        description: "A GoCardless API access token named in a configuration; live tokens collect direct-debit payments.",
        provider: "GoCardless",
        keywords: &["gocardless"],
        pattern: ctx!(r"gocardless", r"(?:live|sandbox)_[A-Za-z0-9_\-]{40}"),
        min_entropy: Some(4.0),
        examples: &["GOCARDLESS_ACCESS_TOKEN=live_FAKE5FwKx84_B8DLA5_7EWksBUh0jG7SAcOkmRML"],
        negatives: &["GOCARDLESS_ENVIRONMENT=live"],
        rotation: "Revoke the token at GoCardless dashboard > Developers > Access tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC132",
        name: "mollie-api-key",
        description: "A Mollie API key named in a configuration; live keys create payments and refunds.",
        provider: "Mollie",
        keywords: &["mollie"],
        pattern: ctx!(r"mollie", r"(?:live|test)_[A-Za-z0-9]{30}"),
        min_entropy: Some(3.8),
        examples: &["MOLLIE_API_KEY=live_FAKEx5kIHvImSx9zeqj7kOzVj1W4uM"],
        negatives: &["MOLLIE_PROFILE_ID=pfl_fake"],
        rotation: "Reset the key at Mollie dashboard > Developers > API keys.",
        ..BASE
    },
    Rule {
        id: "SEC133",
        name: "paddle-api-key",
        description: "A Paddle Billing API key (`pdl_live_apikey_`, `pdl_sdbx_apikey_`); it manages products, prices, customers and subscriptions.",
        provider: "Paddle",
        keywords: &["pdl_live_apikey_", "pdl_sdbx_apikey_"],
        pattern: r"(?-u:\b)pdl_(?:live|sdbx)_apikey_[a-z0-9]{26}_[A-Za-z0-9]{22}_[A-Za-z0-9]{3}(?-u:\b)",
        min_entropy: Some(3.8),
        examples: &[
            "PADDLE_API_KEY=pdl_live_apikey_fakeefoucixi884bobupq1usiw_FAKElJvm0Y7cWvjbG6ty62_V43",
        ],
        negatives: &["pdl_live_apikey_xxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxx_xxx"],
        rotation: "Revoke the key at Paddle > Developer tools > Authentication and create a new one with the needed permissions.",
        ..BASE
    },
    Rule {
        id: "SEC134",
        name: "paystack-secret-key",
        description: "A Paystack secret key named in a configuration; live keys charge cards and make transfers.",
        provider: "Paystack",
        keywords: &["paystack"],
        pattern: ctx!(r"paystack", r"sk_(?:live|test)_[a-f0-9]{40}"),
        examples: &["PAYSTACK_SECRET_KEY=sk_live_ff9d4c45bca3a192778fd12583f75ba310da70fc"],
        negatives: &["PAYSTACK_PUBLIC_KEY=pk_live_7cd0ecfb63a1e159fdd57c6112974b96925cc838"],
        rotation: "Generate new API keys at Paystack dashboard > Settings > API Keys & Webhooks.",
        ..BASE
    },
    Rule {
        id: "SEC135",
        name: "razorpay-key-secret",
        description: "A Razorpay key secret named in a configuration; with the key id (`rzp_live_`) it captures payments and issues refunds.",
        provider: "Razorpay",
        keywords: &["razorpay", "rzp"],
        pattern: ctx!(r"razorpay|(?-u:\b)rzp", r"[A-Za-z0-9]{24}"),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["RAZORPAY_KEY_SECRET=FAKE7f3UjX72t4TTyDlXL9cW"],
        negatives: &["RAZORPAY_KEY_ID=rzp_live_FAKE4WsQl0cL8u"],
        rotation: "Regenerate the key at Razorpay Dashboard > Account & Settings > API Keys.",
        ..BASE
    },
    Rule {
        id: "SEC136",
        name: "coinbase-api-secret",
        description: "A Coinbase API secret or CDP API private key named in a configuration; it trades and withdraws on the account.",
        provider: "Coinbase",
        keywords: &["coinbase", "cdp"],
        pattern: ctx!(
            r"coinbase|(?-u:\b)cdp",
            r"[A-Za-z0-9+/]{86}==|[A-Za-z0-9]{32}"
        ),
        min_entropy: Some(3.8),
        validate: Some(validate::mixed_alnum),
        examples: &["COINBASE_API_SECRET=FAKECQfRGxBmaqSa1ZM45SxtFJsDa2PK"],
        negatives: &["COINBASE_API_KEY_NAME=organizations/fake/apiKeys/fake"],
        rotation: "Delete the API key at Coinbase Developer Platform (or coinbase.com > Settings > API) and create a new one with IP allow-listing.",
        ..BASE
    },
    Rule {
        id: "SEC137",
        name: "easypost-api-key",
        description: "An EasyPost production or test API key (`EZAK`, `EZTK`); production keys buy postage.",
        provider: "EasyPost",
        keywords: &["ezak", "eztk"],
        pattern: r"(?-u:\b)EZ[AT]K[a-zA-Z0-9]{54}(?-u:\b)",
        min_entropy: Some(4.0),
        examples: &["EASYPOST_API_KEY=EZAKFAKEX7eFi1GtuaorXJqUuUVrDXOdCLIfJ1NJRAS3xSCYn8Kb7S4hcK"],
        negatives: &["EZAKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Delete the key at EasyPost > Account settings > API Keys and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC138",
        name: "duffel-api-token",
        description: "A Duffel API token (`duffel_live_`, `duffel_test_`); live tokens book flights and stays on the account.",
        provider: "Duffel",
        keywords: &["duffel_live_", "duffel_test_"],
        pattern: r"(?-u:\b)duffel_(?:live|test)_[A-Za-z0-9_\-=]{43}",
        min_entropy: Some(4.0),
        examples: &["DUFFEL_ACCESS_TOKEN=duffel_live_FAKEfkRUCEZrq-FM5RKPpUGPimPnASdh7c4PmNPkV55"],
        negatives: &["duffel_test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        rotation: "Revoke the token at Duffel dashboard > Developers > Access tokens and create a new one.",
        ..BASE
    },
    Rule {
        id: "SEC139",
        name: "lemonsqueezy-api-key",
        description: "A Lemon Squeezy API key named in a configuration; it manages the store's products, orders and subscriptions.",
        provider: "Lemon Squeezy",
        keywords: &["lemonsqueezy", "lemon_squeezy"],
        pattern: ctx!(
            r"lemon_?squeezy",
            r"eyJ[A-Za-z0-9_\-]{20,}\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,}"
        ),
        min_entropy: Some(4.0),
        examples: &[
            "LEMONSQUEEZY_API_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXItNTA5NDAxIiwibm90ZSI6IkZBS0UiLCJpYXQiOjE3MDk5OTE0NDJ9.HG55_Uk-uN-oZVPYuurgdq501Da2pDbU4sao5-qiAsU",
        ],
        negatives: &["LEMONSQUEEZY_STORE_ID=12345"],
        rotation: "Delete the key at Lemon Squeezy > Settings > API and create a new one.",
        ..BASE
    },
];
