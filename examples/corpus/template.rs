//! Text templates and what fills them.
//!
//! Messages, stack frames, file names and code snippets are written once as templates with
//! `@TOKEN@` holes, so that each incident's text names its own service, noun, field and
//! host, and every name is spelled the way its language would (kebab, snake, Pascal case).

use crate::pools::NUMBERS;
use crate::rng::Rng;

/// What one incident's text is about.
pub struct Ctx {
    pub service: &'static str,
    pub noun: &'static str,
    pub field: &'static str,
    pub host: &'static str,
    pub port: &'static str,
}

/// Fills `@SVC@` (kebab), `@svc@` (snake), `@Svc@` (Pascal), `@NOUN@`, `@Noun@`, `@FIELD@`,
/// `@HOST@`, `@PORT@` and `@N@` (a fresh number each time). An `@` that opens no known token
/// is kept as text.
pub fn fill(template: &str, ctx: &Ctx, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut parts = template.split('@');
    out.push_str(parts.next().unwrap_or_default());
    let mut in_token = true;
    for part in parts {
        if in_token {
            match part {
                "SVC" => out.push_str(ctx.service),
                "svc" => out.push_str(&snake(ctx.service)),
                "Svc" => out.push_str(&pascal(ctx.service)),
                "NOUN" => out.push_str(ctx.noun),
                "Noun" => out.push_str(&pascal(ctx.noun)),
                "FIELD" => out.push_str(ctx.field),
                "HOST" => out.push_str(ctx.host),
                "PORT" => out.push_str(ctx.port),
                "N" => out.push_str(rng.pick(NUMBERS)),
                other => {
                    // Not a token: an `@` in the text itself.
                    out.push('@');
                    out.push_str(other);
                    continue;
                }
            }
        } else {
            out.push_str(part);
        }
        in_token = !in_token;
    }
    out
}

/// `checkout-api` as a Python or Rust identifier: `checkout_api`.
pub fn snake(kebab: &str) -> String {
    kebab.replace('-', "_")
}

/// `checkout-api` as a type name: `CheckoutApi`.
pub fn pascal(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
