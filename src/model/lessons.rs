//! Lessons learned: either a plain list or grouped the classic postmortem way.

use schemars::JsonSchema;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::NonEmptyString;

/// What the team learned. Write a Markdown text, a plain list of lessons, or a mapping with
/// any of `summary`, `went_well`, `went_wrong`, `lucky`, `learned` and `groups` (lessons
/// under headings of your own, such as "Technical insights"). Each lesson is Markdown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lessons {
    /// The lessons as prose. Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// What went well.
    pub went_well: Vec<String>,
    /// What went wrong.
    pub went_wrong: Vec<String>,
    /// Where we got lucky.
    pub lucky: Vec<String>,
    /// Lessons that fit none of the above; a plain list lands here.
    pub learned: Vec<String>,
    /// Lessons under headings of the team's own.
    pub groups: Vec<LessonGroup>,
}

/// Lessons under a heading of the team's own.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonGroup {
    /// The heading, e.g. "Process improvements".
    pub title: NonEmptyString,
    /// The lessons. Markdown.
    pub items: Vec<String>,
}

impl Lessons {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.went_well.is_empty()
            && self.went_wrong.is_empty()
            && self.lucky.is_empty()
            && self.learned.is_empty()
            && self.groups.is_empty()
    }
}

/// The grouped form, derived so unknown keys and wrong types get serde's precise errors.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Grouped lessons")]
struct Grouped {
    /// The lessons as prose. Markdown.
    #[serde(default)]
    summary: Option<String>,
    /// What went well. Markdown.
    #[serde(default)]
    went_well: Vec<String>,
    /// What went wrong. Markdown.
    #[serde(default)]
    went_wrong: Vec<String>,
    /// Where we got lucky. Markdown.
    #[serde(default)]
    lucky: Vec<String>,
    /// Other lessons. Markdown.
    #[serde(default)]
    learned: Vec<String>,
    /// Lessons under headings of your own, e.g. "Technical insights".
    #[serde(default)]
    groups: Vec<LessonGroup>,
}

impl JsonSchema for Lessons {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Lessons".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let grouped = generator.subschema_for::<Grouped>();
        schemars::json_schema!({
            "description": "A Markdown text, a plain list of lessons, or lessons grouped by went_well, went_wrong, lucky, learned and groups of your own.",
            "anyOf": [
                { "type": "string", "contentMediaType": "text/markdown" },
                { "type": "array", "items": { "type": "string" } },
                grouped
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Lessons {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LessonsVisitor;

        impl<'de> Visitor<'de> for LessonsVisitor {
            type Value = Lessons;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a Markdown text, a list of lessons, or a mapping with summary, went_well, \
                     went_wrong, lucky, learned, groups",
                )
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Lessons, E> {
                Ok(Lessons {
                    summary: Some(text.to_owned()),
                    ..Lessons::default()
                })
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lessons, A::Error> {
                let learned = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Lessons {
                    learned,
                    ..Lessons::default()
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lessons, A::Error> {
                let grouped = Grouped::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Lessons {
                    summary: grouped.summary,
                    went_well: grouped.went_well,
                    went_wrong: grouped.went_wrong,
                    lucky: grouped.lucky,
                    learned: grouped.learned,
                    groups: grouped.groups,
                })
            }
        }

        deserializer.deserialize_any(LessonsVisitor)
    }
}
