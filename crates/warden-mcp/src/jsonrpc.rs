//! JSON-RPC 2.0 vocabulary the gateway needs: message kinds, ids and the error answers it
//! writes itself.

use serde_json::{Value, json};

/// Error codes of the answers the gateway gives on its own.
///
/// The standard codes come from JSON-RPC 2.0; the gateway's own codes sit in the
/// implementation-defined server-error range (-32000 to -32099).
pub mod code {
    /// The line was not valid JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// Valid JSON but not a JSON-RPC message (or a batch, which the gateway does not relay).
    pub const INVALID_REQUEST: i64 = -32600;
    /// Parameters the gateway needed to read were malformed.
    pub const INVALID_PARAMS: i64 = -32602;
    /// The tool is denied by policy, withheld by the poisoning checks or changed since pinned.
    pub const TOOL_DENIED: i64 = -32010;
    /// The tool needs a person's approval; the error carries a one-time approval code.
    pub const APPROVAL_REQUIRED: i64 = -32011;
    /// A per-server or per-tool rate limit was exceeded.
    pub const RATE_LIMITED: i64 = -32012;
    /// The server exited or its output became unreadable.
    pub const SERVER_GONE: i64 = -32013;
    /// The server did not answer within the gateway's request timeout.
    pub const SERVER_TIMEOUT: i64 = -32014;
    /// The message exceeded the gateway's line-size cap.
    pub const MESSAGE_TOO_LARGE: i64 = -32015;
    /// The gateway has too many requests in flight.
    pub const OVERLOADED: i64 = -32016;
}

/// A request id in a form usable as a map key: the canonical JSON text of the id
/// (`5`, `"abc"`). JSON-RPC ids are strings or numbers; `1` and `"1"` are different ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey(String);

impl IdKey {
    /// The key of an id value; `None` for ids JSON-RPC does not allow (null, objects, arrays,
    /// booleans).
    pub fn of(id: &Value) -> Option<Self> {
        match id {
            Value::String(_) | Value::Number(_) => Some(IdKey(id.to_string())),
            _ => None,
        }
    }

    /// The key of a string id.
    pub fn string(s: &str) -> Self {
        IdKey(Value::String(s.to_string()).to_string())
    }

    /// The id back as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The canonical JSON text of the id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What one JSON-RPC message is, judged by its members.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Has `method` and a valid `id`.
    Request { id: IdKey, method: String },
    /// Has `method` and no `id`.
    Notification { method: String },
    /// Has `result` or `error` and an id (null when the peer could not read the request).
    Response { id: Option<IdKey> },
    /// Anything else: an object with neither shape, or a request whose id is not allowed.
    Invalid {
        id: Option<IdKey>,
        why: &'static str,
    },
}

/// Classify one parsed message (not a batch).
pub fn classify(msg: &Value) -> Kind {
    let Some(obj) = msg.as_object() else {
        return Kind::Invalid {
            id: None,
            why: "a JSON-RPC message must be an object",
        };
    };
    let id = obj.get("id");
    match obj.get("method") {
        Some(Value::String(method)) => match id {
            None => Kind::Notification {
                method: method.clone(),
            },
            Some(id) => match IdKey::of(id) {
                Some(id) => Kind::Request {
                    id,
                    method: method.clone(),
                },
                None => Kind::Invalid {
                    id: None,
                    why: "a request id must be a string or a number",
                },
            },
        },
        Some(_) => Kind::Invalid {
            id: id.and_then(IdKey::of),
            why: "`method` must be a string",
        },
        None if obj.contains_key("result") || obj.contains_key("error") => Kind::Response {
            id: id.and_then(IdKey::of),
        },
        None => Kind::Invalid {
            id: id.and_then(IdKey::of),
            why: "neither a request, a notification nor a response",
        },
    }
}

/// A serialised error response (one line, without the newline).
pub fn error_response(
    id: Option<&IdKey>,
    code: i64,
    message: &str,
    data: Option<Value>,
) -> Vec<u8> {
    let mut error = json!({ "code": code, "message": message });
    if let Some(data) = data {
        error["data"] = data;
    }
    let msg = json!({
        "jsonrpc": "2.0",
        "id": id.map_or(Value::Null, IdKey::to_value),
        "error": error,
    });
    to_line(&msg)
}

/// A serialised request (one line, without the newline).
pub fn request(id: &IdKey, method: &str, params: Value) -> Vec<u8> {
    to_line(&json!({ "jsonrpc": "2.0", "id": id.to_value(), "method": method, "params": params }))
}

/// A serialised notification (one line, without the newline).
pub fn notification(method: &str, params: Value) -> Vec<u8> {
    to_line(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
}

/// Serialise a value to one line. Serialising a `Value` cannot fail (its keys are strings).
pub fn to_line(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let cases: &[(&str, &str)] = &[
            (r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, "request"),
            (r#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#, "request"),
            (
                r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                "notification",
            ),
            (r#"{"jsonrpc":"2.0","id":1,"result":{}}"#, "response"),
            (
                r#"{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}}"#,
                "response",
            ),
            (r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#, "invalid"),
            (r#"{"jsonrpc":"2.0","id":1,"method":5}"#, "invalid"),
            (r#"{"jsonrpc":"2.0","id":1}"#, "invalid"),
            (r#"[1]"#, "invalid"),
            (r#""text""#, "invalid"),
        ];
        for (line, want) in cases {
            let v: Value = serde_json::from_str(line).unwrap();
            let got = match classify(&v) {
                Kind::Request { .. } => "request",
                Kind::Notification { .. } => "notification",
                Kind::Response { .. } => "response",
                Kind::Invalid { .. } => "invalid",
            };
            assert_eq!(got, *want, "{line}");
        }
    }

    #[test]
    fn id_keys_distinguish_strings_from_numbers() {
        let a = IdKey::of(&json!(1)).unwrap();
        let b = IdKey::of(&json!("1")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.to_value(), json!(1));
        assert_eq!(b.to_value(), json!("1"));
    }

    #[test]
    fn error_response_shape() {
        let id = IdKey::of(&json!(7)).unwrap();
        let line = error_response(Some(&id), code::TOOL_DENIED, "no", None);
        let v: Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["id"], json!(7));
        assert_eq!(v["error"]["code"], json!(-32010));
    }
}
