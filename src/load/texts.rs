//! The strings of a serialisable value, each with the nearest key above it, read straight
//! from its `Serialize` impl.
//!
//! `links` asks of every string whether its key makes it a URL or Markdown. Turning the
//! whole incident into a `serde_json::Value` first, to walk that, cost a tree of copies per
//! file: about 4% of `check`. The key rules are those of that tree: a struct field or map
//! key names what is under it, list items share their list's key, an enum variant with
//! content is a key of its own, and a unit variant is a string.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde::ser::{self, Serializer};

/// Whether `found(key, text)` holds for some string under `value`; stops at the first.
pub fn any_text<T: Serialize + ?Sized>(
    value: &T,
    found: &mut dyn FnMut(Option<&str>, &str) -> bool,
) -> bool {
    let mut walk = Walk {
        key: None,
        outer: Vec::new(),
        found,
    };
    // `Err(Stop)` is the early exit; a value that fails to serialise has no strings to ask.
    matches!(value.serialize(&mut walk), Err(Stop::Found))
}

type Key = Option<Cow<'static, str>>;

struct Walk<'f> {
    key: Key,
    /// The keys to go back to when a variant's content ends.
    outer: Vec<Key>,
    found: &'f mut dyn FnMut(Option<&str>, &str) -> bool,
}

impl Walk<'_> {
    fn under<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), Stop> {
        let outer = std::mem::replace(&mut self.key, key);
        let result = value.serialize(&mut *self);
        self.key = outer;
        result
    }

    fn enter(&mut self, variant: &'static str) {
        let outer = self.key.replace(Cow::Borrowed(variant));
        self.outer.push(outer);
    }

    fn leave(&mut self) -> Result<(), Stop> {
        self.key = self.outer.pop().flatten();
        Ok(())
    }

    fn stay(&mut self) -> Result<(), Stop> {
        Ok(())
    }
}

#[derive(Debug)]
enum Stop {
    Found,
    Failed,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stop::Found => "found",
            Stop::Failed => "cannot serialise",
        })
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop::Failed
    }
}

/// Methods for values that hold no string.
macro_rules! nothing {
    ($($method:ident($($ty:ty)?)),* $(,)?) => {
        $(fn $method(self $(, _: $ty)?) -> Result<(), Stop> { Ok(()) })*
    };
}

impl Serializer for &mut Walk<'_> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    nothing!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_char(self, v: char) -> Result<(), Stop> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        if (self.found)(self.key.as_deref(), v) {
            return Err(Stop::Found);
        }
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Stop> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.under(Some(Cow::Borrowed(variant)), value)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        self.enter(variant);
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, Stop> {
        // The entries' keys replace this one; `end` puts it back.
        self.outer.push(self.key.clone());
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        self.enter(variant);
        Ok(self)
    }
}

/// The parts of lists, tuples and variants: each item is walked under the key in force;
/// `end` goes back to the key outside a variant (`leave`) or has nothing to undo (`stay`).
macro_rules! items {
    ($($part:ident::$item:ident => $end:ident),* $(,)?) => {$(
        impl ser::$part for &mut Walk<'_> {
            type Ok = ();
            type Error = Stop;
            fn $item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Stop> {
                self.$end()
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element => stay,
    SerializeTuple::serialize_element => stay,
    SerializeTupleStruct::serialize_field => stay,
    SerializeTupleVariant::serialize_field => leave,
);

/// The fields of structs and struct variants: each is walked under its own name.
macro_rules! fields {
    ($($part:ident => $end:ident),* $(,)?) => {$(
        impl ser::$part for &mut Walk<'_> {
            type Ok = ();
            type Error = Stop;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), Stop> {
                self.under(Some(Cow::Borrowed(name)), value)
            }
            fn end(self) -> Result<(), Stop> {
                self.$end()
            }
        }
    )*};
}

fields!(SerializeStruct => stay, SerializeStructVariant => leave);

impl ser::SerializeMap for &mut Walk<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        // Map keys are rare (settings-like tables); a copy of each is cheap enough.
        self.key = match serde_json::to_value(key) {
            Ok(serde_json::Value::String(name)) => Some(Cow::Owned(name)),
            _ => None,
        };
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Stop> {
        self.leave()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Linked { url: String },
        Named(String),
        Pair(String, String),
    }

    #[derive(Serialize)]
    struct Doc {
        title: String,
        notes: Vec<String>,
        kinds: Vec<Kind>,
        extra: BTreeMap<String, String>,
        nothing: Option<String>,
        after: String,
    }

    fn texts(value: &impl Serialize) -> Vec<(Option<String>, String)> {
        let mut seen = Vec::new();
        any_text(value, &mut |key, text| {
            seen.push((key.map(str::to_owned), text.to_owned()));
            false
        });
        seen
    }

    #[test]
    fn every_string_comes_with_the_key_a_json_tree_would_give_it() {
        let doc = Doc {
            title: "t".into(),
            notes: vec!["a".into(), "b".into()],
            kinds: vec![
                Kind::Plain,
                Kind::Linked { url: "u".into() },
                Kind::Named("n".into()),
                Kind::Pair("p".into(), "q".into()),
                Kind::Plain,
            ],
            extra: BTreeMap::from([("link".to_owned(), "l".to_owned())]),
            nothing: None,
            after: "z".into(),
        };
        let key = |k: &str, t: &str| (Some(k.to_owned()), t.to_owned());
        assert_eq!(
            texts(&doc),
            [
                key("title", "t"),
                key("notes", "a"),
                key("notes", "b"),
                key("kinds", "Plain"),
                key("url", "u"),
                key("Named", "n"),
                key("Pair", "p"),
                key("Pair", "q"),
                key("kinds", "Plain"),
                key("link", "l"),
                key("after", "z"),
            ]
        );
        assert_eq!(texts(&"top"), [(None, "top".to_owned())]);
    }

    #[test]
    fn stops_at_the_first_string_asked_for() {
        let doc = vec!["a", "b", "c"];
        let mut asked = 0;
        assert!(any_text(&doc, &mut |_, text| {
            asked += 1;
            text == "b"
        }));
        assert_eq!(asked, 2);
        assert!(!any_text(&doc, &mut |_, _| false));
    }
}
