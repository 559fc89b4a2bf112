//! Imports from LinkedIn's export and JSON Resume, read as the worker does, checked field by
//! field; merging into an existing portfolio; the JSON Resume round trip; the static site; bad
//! files of every kind; another workspace's jobs and portfolios answering 404.

use std::io::Write;

use serde_json::{Value, json};
use uuid::Uuid;
use vitrine_core::imports;

use crate::helpers::{Browser, TestApp, create_portfolio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures");

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

/// A ZIP of (name, bytes) entries, as LinkedIn would send (in a folder of its own).
fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn folder(name: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{FIXTURES}/linkedin/{name}"))
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Posts files to the imports endpoint: the reply, as the browser gets it.
async fn upload(
    browser: &Browser,
    workspace: &str,
    kind: &str,
    files: Vec<(String, Vec<u8>)>,
    portfolio: Option<&str>,
) -> crate::helpers::Reply {
    let mut form = reqwest::multipart::Form::new().text("kind", kind.to_owned());
    for (name, bytes) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
    }
    if let Some(portfolio) = portfolio {
        form = form.text("portfolio_id", portfolio.to_owned());
    }
    browser
        .send(browser.client.post(format!("{}/api/v1/workspaces/{workspace}/imports", browser.base)).multipart(form))
        .await
}

/// Imports and reads as the worker does; answers the finished job.
async fn import(
    app: &TestApp,
    browser: &Browser,
    kind: &str,
    files: Vec<(String, Vec<u8>)>,
    portfolio: Option<&str>,
) -> Value {
    let workspace = app.personal_workspace(browser).await["id"].as_str().unwrap().to_owned();
    let accepted = upload(browser, &workspace, kind, files, portfolio).await.expect(202);
    let id: Uuid = accepted.body["id"].as_str().unwrap().parse().unwrap();
    imports::run(&app.db.pool, id).await.unwrap();
    browser.get(&format!("/api/v1/jobs/{id}")).await.expect(200).body
}

fn section<'a>(sections: &'a Value, kind: &str) -> &'a Value {
    sections
        .as_array()
        .unwrap()
        .iter()
        .find(|section| section["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {sections}"))
}

fn skipped(job: &Value) -> Vec<String> {
    job["result"]["report"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|skip| format!("{}: {}", skip["what"].as_str().unwrap(), skip["why"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_complete_linkedin_export_becomes_a_portfolio_field_by_field() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let files = folder("complete");
    let entries: Vec<(String, Vec<u8>)> =
        files.iter().map(|(name, bytes)| (format!("Basic_LinkedInDataExport/{name}"), bytes.clone())).collect();
    let archive = zip_of(&entries.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())).collect::<Vec<_>>());
    let job = import(&app, &ann, "linkedin_archive", vec![("export.zip".into(), archive)], None).await;
    assert_eq!(job["status"], "done", "{job}");
    let preview = &job["result"];
    assert_eq!(preview["kind"], "new_portfolio");
    let sections = &preview["sections"];

    let header = section(sections, "header");
    assert_eq!(
        (header["name"].as_str(), header["headline"].as_str(), header["location"].as_str()),
        (Some("Ana Ruiz"), Some("Backend engineer for payments"), Some("Lisbon, Portugal"))
    );
    assert_eq!(
        section(sections, "about")["body"],
        "<p>Six years building systems that move money.</p><p>I care about correctness &amp; on-call sanity.</p>"
    );
    let positions = section(sections, "experience")["items"].as_array().unwrap();
    assert_eq!(positions.len(), 2);
    assert_eq!(
        (positions[0]["role"].as_str(), positions[0]["organisation"].as_str()),
        (Some("Senior Engineer"), Some("Ledgerly"))
    );
    assert_eq!((positions[0]["start"].as_str(), positions[0]["current"].as_bool()), (Some("2021-02"), Some(true)));
    assert_eq!(positions[0]["location"], "Lisbon, Portugal");
    assert_eq!(
        positions[0]["description"],
        "<p>Built a double-entry payments ledger in Rust.<br>Led the on-call rotation.</p>"
    );
    assert_eq!((positions[1]["start"].as_str(), positions[1]["end"].as_str()), (Some("2018-09"), Some("2021-01")));
    let school = &section(sections, "education")["items"][0];
    assert_eq!(
        (school["institution"].as_str(), school["degree"].as_str()),
        (Some("Universidade de Lisboa"), Some("BSc Computer Science"))
    );
    assert_eq!((school["start"].as_str(), school["end"].as_str()), (Some("2014"), Some("2018")));
    assert!(school["description"].as_str().unwrap().contains("Programming club"));
    let groups = section(sections, "skills")["groups"].as_array().unwrap();
    let names = |group: &Value| {
        group["skills"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(names(&groups[0]), ["Rust", "Go", "PostgreSQL"]);
    assert_eq!(groups[1]["name"], "Spoken languages");
    assert_eq!(names(&groups[1])[0], "Portuguese (Native or bilingual proficiency)");
    let project = &section(sections, "projects")["items"][0];
    assert_eq!(
        (project["name"].as_str(), project["url"].as_str()),
        (Some("Open ledger"), Some("https://github.com/anaruiz/ledger"))
    );
    let texts: Vec<&Value> = sections.as_array().unwrap().iter().filter(|s| s["type"] == "text").collect();
    assert_eq!(texts[0]["title"], "Certifications");
    assert_eq!(texts[0]["body"], "<ul><li>AWS Solutions Architect — Amazon Web Services (2020)</li></ul>");
    assert_eq!(texts[1]["body"], "<ul><li>Hackathon winner (2019)</li></ul>");
    let links = section(sections, "social_links")["links"].as_array().unwrap();
    assert_eq!((links[0]["network"].as_str(), links[1]["network"].as_str()), (Some("website"), Some("github")));

    // Messages and connections were never read, let alone stored.
    let stored: String = sqlx::query_scalar("SELECT input::text FROM jobs").fetch_one(&app.db.pool).await.unwrap();
    assert!(!stored.contains("PRIVATE MESSAGE") && !stored.contains("private.person@example.com"));

    let id = job["id"].as_str().unwrap();
    let applied = ann.post(&format!("/api/v1/jobs/{id}/apply"), json!({})).await.expect(200);
    let portfolio = applied.body["portfolio_id"].as_str().unwrap();
    let document = ann.get(&format!("/api/v1/portfolios/{portfolio}/document")).await.expect(200).body;
    assert_eq!(document["document"]["sections"].as_array().unwrap().len(), sections.as_array().unwrap().len());
    assert_eq!(ann.post(&format!("/api/v1/jobs/{id}/apply"), json!({})).await.status, 409, "applied once");
}

#[tokio::test]
async fn linkedin_files_in_other_shapes_are_read() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;

    // Single CSV files, columns reordered, a quoted multi-line description.
    let job = import(&app, &ann, "linkedin_archive", folder("reordered"), None).await;
    let position = &section(&job["result"]["sections"], "experience")["items"][0];
    assert_eq!(
        (position["role"].as_str(), position["organisation"].as_str()),
        (Some("Staff Engineer"), Some("Ledgerly"))
    );
    assert_eq!((position["start"].as_str(), position["location"].as_str()), (Some("2023"), Some("Remote")));
    assert_eq!(position["description"], "<p>Multi-line \"quoted\" description,<br>with a comma on the first line.</p>");

    // French headers and dates.
    let job = import(&app, &ann, "linkedin_archive", folder("french"), None).await;
    let sections = &job["result"]["sections"];
    assert_eq!(section(sections, "header")["name"], "Anaïs Roux");
    assert_eq!(section(sections, "header")["headline"], "Ingénieure backend");
    let position = &section(sections, "experience")["items"][0];
    assert_eq!((position["start"].as_str(), position["end"].as_str()), (Some("2019-01"), Some("2022-02")));
    assert_eq!(position["organisation"], "Banque Nova");

    // Only some files: what is there is read.
    let minimal = vec![("Skills.csv".to_owned(), b"Name\nRust\n".to_vec())];
    let job = import(&app, &ann, "linkedin_archive", minimal, None).await;
    let kinds: Vec<&str> =
        job["result"]["sections"].as_array().unwrap().iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["skills"]);
}

#[tokio::test]
async fn an_import_into_an_existing_portfolio_adds_only_new_entries() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let first = import(&app, &ann, "linkedin_archive", folder("complete"), None).await;
    let applied =
        ann.post(&format!("/api/v1/jobs/{}/apply", first["id"].as_str().unwrap()), json!({})).await.expect(200);
    let portfolio = applied.body["portfolio_id"].as_str().unwrap().to_owned();
    let before = ann.get(&format!("/api/v1/portfolios/{portfolio}/document")).await.expect(200).body;

    let newer = b"Company Name,Title,Started On,Finished On\nLedgerly,Senior Engineer,Feb 2021,\nOrbit,Principal Engineer,Mar 2024,\n";
    let job =
        import(&app, &ann, "linkedin_archive", vec![("Positions.csv".into(), newer.to_vec())], Some(&portfolio)).await;
    assert_eq!(job["result"]["kind"], "merge");
    let added = &section(&job["result"]["sections"], "experience")["items"];
    assert_eq!(added.as_array().unwrap().len(), 1);
    assert_eq!(added[0]["organisation"], "Orbit");
    assert!(
        skipped(&job).iter().any(|skip| skip == "experience: Ledgerly: already in the portfolio"),
        "{:?}",
        skipped(&job)
    );

    ann.post(&format!("/api/v1/jobs/{}/apply", job["id"].as_str().unwrap()), json!({})).await.expect(200);
    let after = ann.get(&format!("/api/v1/portfolios/{portfolio}/document")).await.expect(200).body;
    assert_eq!(after["revision"].as_i64().unwrap(), before["revision"].as_i64().unwrap() + 1, "a new version");
    let positions = section(&after["document"]["sections"], "experience")["items"].as_array().unwrap().clone();
    let organisations: Vec<&str> = positions.iter().map(|p| p["organisation"].as_str().unwrap()).collect();
    assert_eq!(organisations, ["Ledgerly", "Paystream", "Orbit"], "nothing overwritten, the new one added");
    let headers = after["document"]["sections"].as_array().unwrap().iter().filter(|s| s["type"] == "header").count();
    assert_eq!(headers, 1);
}

#[tokio::test]
async fn an_import_that_would_overfill_a_portfolio_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let portfolio = create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/portfolios/{portfolio}/document");
    let revision = ann.get(&path).await.expect(200).body["revision"].clone();
    let items: Vec<Value> = (0..200)
        .map(|n| json!({ "id": format!("e{n}"), "role": "Engineer", "organisation": format!("Firm {n}") }))
        .collect();
    let document = json!({ "schema_version": 2, "sections": [
        { "type": "header", "id": "h", "name": "Ann" },
        { "type": "experience", "id": "x", "items": items }
    ] });
    ann.put(&path, json!({ "base_revision": revision, "document": document })).await.expect(200);
    let before = ann.get(&path).await.expect(200).body;

    let positions = b"Company Name,Title,Started On,Finished On\nOrbit,Principal Engineer,Mar 2024,\n";
    let job =
        import(&app, &ann, "linkedin_archive", vec![("Positions.csv".into(), positions.to_vec())], Some(&portfolio))
            .await;
    let apply = format!("/api/v1/jobs/{}/apply", job["id"].as_str().unwrap());
    // The 201st entry breaks the document's limit: refused, and the job is not marked applied (a
    // second try is refused the same way, not as done already).
    ann.post(&apply, json!({})).await.expect_error(422, "invalid_document", Some("sections[1].items"));
    assert_eq!(ann.get(&path).await.expect(200).body, before);
    ann.post(&apply, json!({})).await.expect_error(422, "invalid_document", Some("sections[1].items"));
}

#[tokio::test]
async fn a_json_resume_comes_in_field_by_field_and_goes_out_the_same() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let resume: Value = serde_json::from_slice(&fixture("json_resume/complete.json")).unwrap();
    let job =
        import(&app, &ann, "json_resume", vec![("resume.json".into(), fixture("json_resume/complete.json"))], None)
            .await;
    assert_eq!(job["status"], "done", "{job}");
    let sections = &job["result"]["sections"];
    let header = section(sections, "header");
    assert_eq!(
        (header["name"].as_str(), header["headline"].as_str(), header["location"].as_str()),
        (Some("Ana Ruiz"), Some("Backend engineer"), Some("Lisbon, PT"))
    );
    let contact = section(sections, "contact");
    assert_eq!(
        (contact["email"].as_str(), contact["phone"].as_str()),
        (Some("ana@example.com"), Some("+351 912 345 678"))
    );
    let work = &section(sections, "experience")["items"][0];
    assert_eq!(
        (work["start"].as_str(), work["highlights"][0].as_str()),
        (Some("2021-02"), Some("Cut reconciliation time by 80%"))
    );
    let report = skipped(&job);
    for missing in [
        "basics.image",
        "basics.location.postalCode",
        "education[0].score",
        "education[0].courses",
        "work[0].url",
        "references",
    ] {
        assert!(report.iter().any(|skip| skip.starts_with(missing)), "{missing} is reported: {report:?}");
    }

    let applied = ann.post(&format!("/api/v1/jobs/{}/apply", job["id"].as_str().unwrap()), json!({})).await.expect(200);
    let portfolio = applied.body["portfolio_id"].as_str().unwrap();
    let exported = ann.get(&format!("/api/v1/portfolios/{portfolio}/export/json-resume")).await.expect(200).body;
    let basics = &exported["basics"];
    for field in ["name", "label", "email", "phone", "url", "summary"] {
        assert_eq!(basics[field], resume["basics"][field], "basics.{field}");
    }
    assert_eq!(basics["location"]["city"], "Lisbon, PT");
    assert_eq!(basics["profiles"][0]["url"], resume["basics"]["profiles"][0]["url"]);
    for (index, work) in resume["work"].as_array().unwrap().iter().enumerate() {
        let out = &exported["work"][index];
        for field in ["name", "position", "summary", "highlights"] {
            assert_eq!(out[field], work[field], "work[{index}].{field}");
        }
        assert_eq!(out["startDate"].as_str().map(|date| &date[..7]), work["startDate"].as_str().map(|date| &date[..7]));
    }
    assert_eq!(exported["volunteer"][0]["organization"], "Code Club");
    let education = &exported["education"][0];
    for field in ["institution", "area", "studyType", "startDate", "endDate"] {
        assert_eq!(education[field], resume["education"][0][field], "education.{field}");
    }
    assert_eq!(exported["skills"][0]["keywords"], resume["skills"][0]["keywords"]);
    assert_eq!(exported["languages"][0], json!({ "language": "Portuguese", "fluency": "Native speaker" }));
    assert_eq!(exported["interests"][0]["name"], "Climbing");
    let project = &exported["projects"][0];
    for field in ["name", "description", "url", "keywords", "startDate"] {
        assert_eq!(project[field], resume["projects"][0][field], "projects.{field}");
    }
}

#[tokio::test]
async fn bad_files_get_a_clear_error_or_a_partial_import_with_its_report() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let portfolios_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM portfolios").fetch_one(&app.db.pool).await.unwrap();

    // The form's own fields, named when wrong or missing.
    let skills = vec![("Skills.csv".to_owned(), b"Name\nRust\n".to_vec())];
    upload(&ann, &workspace, "myspace", skills, None).await.expect_error(422, "unknown_kind", Some("kind"));
    upload(&ann, &workspace, "linkedin_archive", vec![], None).await.expect_error(422, "required", Some("file"));
    let skills = vec![("Skills.csv".to_owned(), b"Name\nRust\n".to_vec())];
    upload(&ann, &workspace, "linkedin_archive", skills, Some("CV")).await.expect_error(
        422,
        "invalid_value",
        Some("portfolio_id"),
    );

    let not_zip = upload(
        &ann,
        &workspace,
        "linkedin_archive",
        vec![("export.zip".into(), b"plain text, not a zip".to_vec())],
        None,
    )
    .await;
    not_zip.expect_error(422, "unreadable_archive", Some("file"));

    // 60 MB of zeros compress to almost nothing.
    let bomb = zip_of(&[("Positions.csv", vec![b'0'; 60 * 1024 * 1024])]);
    assert!(bomb.len() < 1024 * 1024);
    let refused = upload(&ann, &workspace, "linkedin_archive", vec![("export.zip".into(), bomb)], None).await;
    refused.expect_error(422, "unreadable_archive", Some("file"));
    assert!(refused.body["error"]["message"].as_str().unwrap().contains("larger than"), "{}", refused.body);

    let many: Vec<(String, Vec<u8>)> = (0..2_100).map(|index| (format!("x/{index}.txt"), b"x".to_vec())).collect();
    let crowded = zip_of(&many.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())).collect::<Vec<_>>());
    upload(&ann, &workspace, "linkedin_archive", vec![("export.zip".into(), crowded)], None).await.expect_error(
        422,
        "unreadable_archive",
        Some("file"),
    );

    let huge =
        upload(&ann, &workspace, "linkedin_archive", vec![("export.zip".into(), vec![0u8; 50 * 1024 * 1024])], None)
            .await;
    assert_eq!(huge.status, 413);

    upload(&ann, &workspace, "json_resume", vec![("resume.json".into(), b"{not json".to_vec())], None)
        .await
        .expect_error(422, "not_json", Some("file"));
    upload(&ann, &workspace, "spreadsheet", vec![("a.csv".into(), b"x".to_vec())], None).await.expect_error(
        422,
        "unknown_kind",
        Some("kind"),
    );

    // An entry whose name climbs out of the archive is not read.
    let traversal = zip_of(&[
        ("../../Profile.csv", b"First Name,Last Name\nEvil,Twin\n".to_vec()),
        ("Skills.csv", b"Name\nRust\n".to_vec()),
    ]);
    let job = import(&app, &ann, "linkedin_archive", vec![("export.zip".into(), traversal)], None).await;
    assert!(
        skipped(&job).iter().any(|skip| skip.starts_with("../../Profile.csv: an unsafe file name")),
        "{:?}",
        skipped(&job)
    );
    assert!(!job["result"].to_string().contains("Evil"));

    // Binary junk named like a CSV, next to a good file: the good one is imported.
    let mut junk = vec![0u8, 159, 146, 150, 255, 0, 12];
    junk.extend((0..2000).map(|i| (i * 7 % 256) as u8));
    let job = import(
        &app,
        &ann,
        "linkedin_archive",
        vec![("Positions.csv".into(), junk), ("Skills.csv".into(), b"Name\nGo\n".to_vec())],
        None,
    )
    .await;
    assert_eq!(job["status"], "done");
    assert!(skipped(&job).iter().any(|skip| skip.starts_with("Positions.csv")), "{:?}", skipped(&job));

    // 10 000 positions: the first 200, and the rest reported.
    let mut positions = String::from("Company Name,Title,Started On\n");
    for index in 0..10_000 {
        positions.push_str(&format!("Company {index},Engineer,2020\n"));
    }
    let job =
        import(&app, &ann, "linkedin_archive", vec![("Positions.csv".into(), positions.into_bytes())], None).await;
    assert_eq!(section(&job["result"]["sections"], "experience")["items"].as_array().unwrap().len(), 200);
    assert!(
        skipped(&job).iter().any(|skip| skip.contains("9800 positions beyond the first 200")),
        "{:?}",
        skipped(&job)
    );

    // Invalid UTF-8: replaced, said, imported.
    let latin1 = b"Company Name,Title\nCaf\xe9 Ltd,Barista\n".to_vec();
    let job = import(&app, &ann, "linkedin_archive", vec![("Positions.csv".into(), latin1)], None).await;
    assert_eq!(section(&job["result"]["sections"], "experience")["items"][0]["organisation"], "Caf\u{fffd} Ltd");
    assert!(skipped(&job).iter().any(|skip| skip.contains("not UTF-8")));

    // A JSON Resume with wrong types: what fits is imported, the rest reported.
    let job =
        import(&app, &ann, "json_resume", vec![("resume.json".into(), fixture("json_resume/wrong_types.json"))], None)
            .await;
    assert_eq!(job["status"], "done");
    assert_eq!(section(&job["result"]["sections"], "header")["name"], "Ana Ruiz");
    let report = skipped(&job);
    for expected in [
        "basics.email: should be text",
        "work: should be a list",
        "education[0].institution: should be text",
        "skills[0].keywords: should be a list",
    ] {
        assert!(report.iter().any(|skip| skip.starts_with(expected)), "{expected}: {report:?}");
    }

    // Nothing importable at all: the job fails, saying why.
    let job = import(
        &app,
        &ann,
        "linkedin_archive",
        vec![("Positions.csv".into(), b"Colour,Shape\nred,round\n".to_vec())],
        None,
    )
    .await;
    assert_eq!(job["status"], "failed");
    assert!(job["error"].as_str().unwrap().contains("none of its columns"), "{job}");

    let portfolios_after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM portfolios").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(portfolios_after, portfolios_before, "no import wrote a portfolio before it was applied");
}

#[tokio::test]
async fn the_static_site_holds_the_page_its_fonts_and_images() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let portfolio = create_portfolio(&app, &ann, json!({ "title": "CV", "start_with": "sample" })).await;
    let id = portfolio["id"].as_str().unwrap();
    let job = ann.post_empty(&format!("/api/v1/portfolios/{id}/exports/static")).await.expect(202).body;
    assert_eq!(job["kind"], "static_export");
    let input: Value = sqlx::query_scalar("SELECT input FROM jobs WHERE id = $1")
        .bind(job["id"].as_str().unwrap().parse::<Uuid>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let input: vitrine_core::exports::PdfInput = serde_json::from_value(input).unwrap();
    let store = vitrine_core::media::MediaStore::Folder(std::env::temp_dir().join("vitrine-static-test"));
    let bytes = vitrine_core::exports::static_site(&input, &store).await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive.file_names().filter_map(Result::ok).map(|name| name.to_string()).collect();
    assert!(names.contains(&"index.html".to_owned()));
    let mut html = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("index.html").unwrap(), &mut html).unwrap();
    assert!(html.contains("Maya Okafor"));
    let fonts: Vec<&String> = names.iter().filter(|name| name.starts_with("assets/fonts/")).collect();
    assert!(!fonts.is_empty(), "{names:?}");
    for font in fonts {
        assert!(html.contains(&format!("./{font}")), "the page reads {font} relative to itself");
    }
    assert!(!html.contains("url(\"/assets"), "no address depends on a server");
}

#[tokio::test]
async fn another_workspaces_imports_and_exports_answer_404() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.signed_in("ann@example.com", "Ann").await;
    let (bob, _) = app.signed_in("bob@example.com", "Bob").await;
    let anns_portfolio =
        create_portfolio(&app, &ann, json!({ "title": "CV" })).await["id"].as_str().unwrap().to_owned();
    let anns_workspace = app.personal_workspace(&ann).await["id"].as_str().unwrap().to_owned();
    let bobs_workspace = app.personal_workspace(&bob).await["id"].as_str().unwrap().to_owned();
    let job = import(&app, &ann, "linkedin_archive", folder("complete"), None).await;
    let job_id = job["id"].as_str().unwrap();

    assert_eq!(bob.get(&format!("/api/v1/jobs/{job_id}")).await.status, 404);
    assert_eq!(bob.post(&format!("/api/v1/jobs/{job_id}/apply"), json!({})).await.status, 404);
    let skills = vec![("Skills.csv".to_owned(), b"Name\nRust\n".to_vec())];
    assert_eq!(upload(&bob, &anns_workspace, "linkedin_archive", skills.clone(), None).await.status, 404);
    assert_eq!(upload(&bob, &bobs_workspace, "linkedin_archive", skills, Some(&anns_portfolio)).await.status, 404);
    assert_eq!(bob.get(&format!("/api/v1/portfolios/{anns_portfolio}/export/json-resume")).await.status, 404);
    assert_eq!(bob.post_empty(&format!("/api/v1/portfolios/{anns_portfolio}/exports/static")).await.status, 404);
    let applied: Option<Value> = sqlx::query_scalar("SELECT result->'applied_to' FROM jobs WHERE id = $1")
        .bind(job_id.parse::<Uuid>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(applied.is_none_or(|value| value.is_null()));
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(jobs, 1, "only Ann's own import is stored");
}
