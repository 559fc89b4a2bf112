use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::document::{demo, parse};

fn page(indexable: bool) -> Page<'static> {
    Page {
        title: "",
        description: "",
        canonical_url: Some("http://maya.localhost:8080/"),
        indexable,
        assets_base: "",
        page_size: None,
    }
}

#[test]
fn the_demo_renders_in_every_design() {
    let document = demo();
    for theme in Theme::ALL {
        let html = render(&document, theme, &page(true));
        assert!(html.contains(&format!("class=\"page theme-{}\"", theme.id())));
        assert!(html.contains("<title>Maya Okafor — Backend engineer · payments and ledgers</title>"));
        assert!(html.contains("<meta name=\"description\" content=\"I build the boring, correct systems"));
        assert!(html.contains("<link rel=\"canonical\" href=\"http://maya.localhost:8080/\">"));
        assert!(html.contains("<h1 class=\"header-name\">Maya Okafor</h1>"));
        assert!(html.contains("<main id=\"main\""));
        assert!(!html.contains("noindex"));
        for id in document.section_ids() {
            assert!(html.contains(&format!("data-section-id=\"{id}\"")), "{id} missing in {}", theme.id());
        }
        assert!(html.contains("Mar 2022 – Present"));
        assert!(html.contains("@font-face{font-family:"));
    }
}

#[test]
fn pages_that_are_not_public_ask_not_to_be_indexed() {
    let html = render(&demo(), Theme::Minimal, &page(false));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
}

#[test]
fn user_text_is_escaped_everywhere() {
    let evil = "\"><script>alert(1)</script><x-evil a='";
    let document = parse(json!({"schema_version": 2, "sections": [
        {"type": "header", "id": "h", "name": evil, "headline": evil, "location": evil},
        {"type": "experience", "id": "e", "title": evil, "items": [
            {"id": "e1", "role": evil, "organisation": evil, "location": evil, "highlights": [evil]}]},
        {"type": "projects", "id": "p", "items": [{"id": "p1", "name": evil, "tags": [evil], "image_alt": evil,
            "image": "https://example.com/a.png?\"><x-evil>"}]},
        {"type": "social_links", "id": "l", "links": [
            {"id": "l1", "network": "other", "url": "https://example.com/\"><x-evil>", "label": evil}]},
        {"type": "contact", "id": "c", "email": "a@b.co", "location": evil},
        {"type": "gallery", "id": "g", "title": evil, "images": [
            {"id": "g1", "image": "https://example.com/b.png", "alt": evil, "caption": evil}]}
    ]}))
    .unwrap();
    let html = render(&document, Theme::Developer, &page(true));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<x-evil"), "{html}");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{html}");
}

#[test]
fn style_values_reach_the_css_only_as_typed_values() {
    let document = parse(json!({"schema_version": 2,
        "style": {"colors": {"primary": "#abc", "text": "#000", "background": "#fff", "accent": "#000",
                             "muted": "#333"},
                  "heading_font": "playfair_display", "body_font": "lora", "base_font_size": 19,
                  "background_image": "https://example.com/a.png?x=\");}</style><script>",
                  "spacing": "compact", "layout_width": "wide"},
        "sections": [{"type": "text", "id": "t", "body": "<p>x</p>",
                      "style": {"background": "#123456", "font_size": 20, "heading_font": "jetbrains_mono"}}]}))
    .unwrap();
    let html = render(&document, Theme::Modern, &page(true));
    assert!(html.contains("--color-primary:#aabbcc;"));
    assert!(html.contains("--font-size-base:19px;"));
    assert!(html.contains("--layout-width:76rem;"));
    assert!(html.contains("style=\"--color-background:#123456;--font-heading:&#34;JetBrains Mono&#34;"), "{html}");
    assert!(html.contains("font-family:\"Playfair Display\""));
    assert!(html.contains("font-family:\"JetBrains Mono\""));
    assert!(!html.contains("font-family:\"Space Grotesk\""), "only the fonts in use are loaded");
    assert!(!html.contains("<script"));
    assert_eq!(html.matches("</style>").count(), 1);
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|number| json!(number)),
        any::<f64>().prop_map(|number| json!(number)),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec!["header", "about", "text", "skills", "#fff", "2020-01", "inter", "normal"])
            .prop_map(|text| Value::String(text.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "schema_version",
                    "style",
                    "sections",
                    "type",
                    "id",
                    "name",
                    "items",
                    "body",
                    "title",
                    "colors",
                    "groups",
                    "skills",
                    "links",
                    "url",
                    "x"
                ]),
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())),
        ]
    })
}

/// Text that tries every way out of an HTML or CSS context.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("<x-evil>".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("</style>".to_owned()),
            Just("&".to_owned()),
            "[a-z ]{1,6}",
        ],
        1..6,
    )
    .prop_map(|parts| format!("a{}", parts.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        if let Ok(document) = parse(value) {
            let _ = render(&document, Theme::Creative, &page(true));
        }
    }

    #[test]
    fn hostile_text_is_never_emitted_raw(name in hostile_text(), title in hostile_text(), line in hostile_text(),
                                         body in hostile_text()) {
        let document = parse(json!({"schema_version": 2, "sections": [
            {"type": "header", "id": "h", "name": name, "headline": title, "summary": body},
            {"type": "experience", "id": "e", "title": title,
             "items": [{"id": "e1", "role": name, "organisation": title, "highlights": [line]}]},
            {"type": "text", "id": "t", "title": title, "body": body},
            {"type": "skills", "id": "s", "groups": [{"id": "s1", "name": title, "skills": [{"name": line}]}]}
        ]}));
        let document = document.map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;
        for theme in Theme::ALL {
            let html = render(&document, theme, &page(true));
            prop_assert!(!html.contains("<x-evil"));
            prop_assert_eq!(html.matches("</style>").count(), 1);
        }
    }
}
