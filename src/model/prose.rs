//! Sections written either as prose or as structure.
//!
//! Most write-ups state the impact, the root cause or the resolution in a paragraph; ours
//! have fields for their parts. A section that is a mapping also accepts a plain Markdown
//! text, read as its main prose field (`impact: Conversion dropped by a third…` is
//! `impact: {summary: …}`), and the schema documents both forms.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Deserializer;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};

/// A section that may be written as one Markdown text.
pub trait FromProse: Sized {
    /// What the mapping form holds, for messages: e.g. "summary, users, duration, details".
    const FIELDS: &'static str;
    /// The section whose main prose field is `text`.
    fn from_prose(text: String) -> Self;
}

struct ProseVisitor<T>(PhantomData<T>);

impl<'de, T: FromProse + DeserializeOwned> Visitor<'de> for ProseVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a Markdown text, or a mapping with {}", T::FIELDS)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok((!text.trim().is_empty()).then(|| T::from_prose(text.to_owned())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Reads an optional section written as prose or as a mapping.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromProse + DeserializeOwned,
{
    deserializer.deserialize_any(ProseVisitor::<T>(PhantomData))
}

/// Reads a required section written as prose or as a mapping; blank text is refused.
pub fn required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromProse + DeserializeOwned,
{
    optional(deserializer)?.ok_or_else(|| de::Error::custom("must not be empty"))
}

/// The schema of a section written as prose or as `T`.
pub struct ProseOr<T>(PhantomData<T>);

impl<T: JsonSchema + FromProse> JsonSchema for ProseOr<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("ProseOr{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mapping = generator.subschema_for::<T>();
        let description = format!(
            "Markdown text (read as the main prose field), or a mapping with {}.",
            T::FIELDS
        );
        schemars::json_schema!({
            "description": description,
            "anyOf": [
                { "type": "string", "contentMediaType": "text/markdown" },
                mapping
            ]
        })
    }
}
