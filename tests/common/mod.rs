//! Helpers shared by the integration tests: a run builder that writes raw JSON text (so tests
//! control key order, duplicate keys and number spellings exactly), and short accessors.
#![allow(dead_code)]

use serde_json::Value;
use syncrun::{BatchSummary, Issue, Options, SummaryStream};

/// A run as an ordered list of `(key, raw JSON text of the value)`.
#[derive(Clone, Debug)]
pub struct R(pub Vec<(String, String)>);

/// The members of a valid `success` run with no warnings.
pub const BASE: [(&str, &str); 11] = [
    ("id", r#""run-1""#),
    ("status", r#""success""#),
    ("createdAt", r#""2024-03-01T10:00:00Z""#),
    ("startedAt", r#""2024-03-01T10:00:05Z""#),
    ("finishedAt", r#""2024-03-01T10:01:05Z""#),
    ("completionRatio", "1"),
    ("querySize", "100"),
    ("plannedRows", r#"{"addedCount": 10, "changedCount": 5, "removedCount": 1}"#),
    ("successfulRows", r#"{"addedCount": 10, "changedCount": 5, "removedCount": 1}"#),
    ("failedRows", r#"{"addedCount": 0, "changedCount": 0, "removedCount": 0}"#),
    ("error", "null"),
];

impl R {
    /// The valid base run.
    pub fn base() -> R {
        R(BASE.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    /// Replace the value of `key` (or append the member when absent).
    pub fn set(mut self, key: &str, raw: &str) -> R {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(m) => m.1 = raw.to_string(),
            None => self.0.push((key.to_string(), raw.to_string())),
        }
        self
    }

    /// Set a string value (JSON-escaped).
    pub fn s(self, key: &str, value: &str) -> R {
        let raw = serde_json::to_string(value).unwrap();
        self.set(key, &raw)
    }

    /// Remove `key`.
    pub fn del(mut self, key: &str) -> R {
        self.0.retain(|(k, _)| k != key);
        self
    }

    /// Append a member even if the key is already there (for duplicate keys).
    pub fn push(mut self, key: &str, raw: &str) -> R {
        self.0.push((key.to_string(), raw.to_string()));
        self
    }

    /// Row counts of one kind, e.g. `rows("failedRows", 1, 0, 0)`.
    pub fn rows(self, key: &str, added: u64, changed: u64, removed: u64) -> R {
        let raw = format!(r#"{{"addedCount": {added}, "changedCount": {changed}, "removedCount": {removed}}}"#);
        self.set(key, &raw)
    }

    /// One-line JSON text.
    pub fn text(&self) -> String {
        let members: Vec<String> =
            self.0.iter().map(|(k, v)| format!("{}: {v}", serde_json::to_string(k).unwrap())).collect();
        format!("{{{}}}", members.join(", "))
    }

    /// Multi-line JSON text, one member per line, indented by `indent`.
    pub fn pretty(&self, indent: &str) -> String {
        let members: Vec<String> =
            self.0.iter().map(|(k, v)| format!("{indent}  {}: {v}", serde_json::to_string(k).unwrap())).collect();
        format!("{{\n{}\n{indent}}}", members.join(",\n"))
    }
}

/// A JSON array of runs, one line.
pub fn array(runs: &[R]) -> String {
    let items: Vec<String> = runs.iter().map(R::text).collect();
    format!("[{}]", items.join(", "))
}

/// NDJSON text of runs, one per line, with a final newline.
pub fn ndjson(runs: &[R]) -> String {
    runs.iter().map(|r| r.text() + "\n").collect()
}

/// `{"data": [...], "hasMore": ...}`; `has_more` is raw JSON or None for no key.
pub fn envelope(runs: &[R], has_more: Option<&str>) -> String {
    match has_more {
        Some(h) => format!(r#"{{"data": {}, "hasMore": {h}}}"#, array(runs)),
        None => format!(r#"{{"data": {}}}"#, array(runs)),
    }
}

/// Default options.
pub fn opts() -> Options {
    Options::default()
}

/// `(code, path)` of each issue.
pub fn cp(issues: &[Issue]) -> Vec<(String, String)> {
    issues.iter().map(|i| (i.code.as_str().to_string(), i.path.clone())).collect()
}

/// Expected `(code, path)` list from string pairs.
pub fn ex(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect()
}

/// Serialized form of any result.
pub fn val<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

/// Summarize `text` through a [`SummaryStream`] fed the given chunks.
pub fn stream_chunks(chunks: &[&[u8]], options: &Options) -> BatchSummary {
    let mut s = SummaryStream::new(options);
    for c in chunks {
        s.push(c);
    }
    s.finish()
}
