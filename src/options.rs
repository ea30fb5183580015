//! Options of every entry point (SPEC §8).

use serde::{Deserialize, Serialize};

/// What to do with keys the contract does not know (SPEC §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum UnknownFields {
    /// Drop them from normalized output (the default).
    #[default]
    Strip,
    /// Keep them after the known keys, in input order.
    Keep,
    /// Report each as an `unknown_field` error.
    Error,
}

impl UnknownFields {
    /// The option's value by its JSON name.
    pub fn from_name(name: &str) -> Option<UnknownFields> {
        match name {
            "strip" => Some(UnknownFields::Strip),
            "keep" => Some(UnknownFields::Keep),
            "error" => Some(UnknownFields::Error),
            _ => None,
        }
    }
}

/// How batch text is read (SPEC §1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// NDJSON when there is more than one non-blank line and the first is a whole JSON value.
    #[default]
    Auto,
    /// One JSON value: array, envelope or run.
    Json,
    /// One run per non-blank line.
    Ndjson,
}

impl Format {
    /// The option's value by its JSON name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "auto" => Some(Format::Auto),
            "json" => Some(Format::Json),
            "ndjson" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// Default `maxIssues`.
pub const DEFAULT_MAX_ISSUES: usize = 1000;
/// Default `maxBytes`: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Options of every function; each reads the ones that apply to it (SPEC §8).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Options {
    /// `"strip"` (default), `"keep"` or `"error"`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub unknown_fields: Option<UnknownFields>,
    /// Count `warning` runs as not succeeded (default false).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub warning_is_failure: Option<bool>,
    /// At most this many issues in `issues` (default 1000); counts stay complete.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_issues: Option<usize>,
    /// Inputs longer than this many bytes are `input_too_large` (default 256 MiB).
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub max_bytes: Option<u64>,
    /// `"auto"` (default), `"json"` or `"ndjson"`.
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub format: Option<Format>,
    /// Set by the boundary, never by a user: the text was written from a parsed JS value
    /// (SPEC §1), so it is not the user's text and issues get no line or column (SPEC §3).
    #[serde(skip)]
    pub from_value: bool,
}

impl Options {
    /// SPEC §2: how unknown keys are handled; `strip` when not given.
    pub fn unknown_fields(&self) -> UnknownFields {
        self.unknown_fields.unwrap_or_default()
    }
    /// SPEC §2.1: whether a `warning` run counts as not succeeded; `false` when not given.
    pub fn warning_is_failure(&self) -> bool {
        self.warning_is_failure.unwrap_or(false)
    }
    /// SPEC §5: how many issues a batch result keeps at most; 1000 when not given.
    pub fn max_issues(&self) -> usize {
        self.max_issues.unwrap_or(DEFAULT_MAX_ISSUES)
    }
    /// SPEC §3.1: the longest input read, in UTF-8 bytes (one record for a stream); 256 MiB when not given.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes.unwrap_or(DEFAULT_MAX_BYTES)
    }
    /// SPEC §1: how a batch text is read; `auto` (detected) when not given.
    pub fn format(&self) -> Format {
        self.format.unwrap_or_default()
    }
}
