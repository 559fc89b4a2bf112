//! The renderer pool against real WeasyPrint (the Python named by VITRINE_PDF_PYTHON, which
//! ops/test sets up): what it refuses to read, its time limit and its memory limit.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::*;

fn config(timeout: Duration) -> PdfConfig {
    let python = std::env::var_os("VITRINE_PDF_PYTHON")
        .expect("VITRINE_PDF_PYTHON names a Python with WeasyPrint 70.0 (ops/test sets it)");
    PdfConfig {
        python: python.into(),
        processes: 1,
        timeout,
        memory_mb: 1536,
        work_dir: Some(std::env::temp_dir().join(format!("vitrine-pdf-test-{}", uuid::Uuid::new_v4()))),
    }
}

fn pdf_text(pdf: &Path) -> String {
    let output = std::process::Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn nothing_outside_the_job_folder_is_read() {
    let renderers = Renderers::start(&config(Duration::from_secs(60))).await.unwrap();
    let folder = renderers.job_folder("outside").unwrap();
    let (port, connections) = vitrine_testing::redirect::counting_redirect("file:///etc/passwd").await;
    // A link planted in the folder that leads out of it.
    std::os::unix::fs::symlink("/etc/passwd", folder.path.join("media/planted.png")).unwrap();
    let png = folder.path.join("media/inside.png");
    image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 30])).save(&png).unwrap();
    let escapes = [
        "file:///etc/passwd".to_owned(),
        format!("http://127.0.0.1:{port}/photo.png"),
        format!("https://127.0.0.1:{port}/photo.png"),
        format!("file://{}/../../../../etc/passwd", folder.path.display()),
        format!("file://{}/media/planted.png", folder.path.display()),
        "ftp://127.0.0.1:1/x.png".to_owned(),
    ];
    let mut html = format!(
        "<html><head><link rel=stylesheet href=\"http://127.0.0.1:{port}/style.css\">\
         <style>@import url(\"file:///etc/hostname\"); body {{ background: url(\"http://127.0.0.1:{port}/bg.png\") }}</style>\
         </head><body><h1>Outside</h1><img src=\"file://{}\">",
        png.display()
    );
    for url in &escapes {
        html.push_str(&format!("<img src=\"{url}\">"));
    }
    html.push_str("</body></html>");
    let html_path = folder.path.join("index.html");
    std::fs::write(&html_path, html).unwrap();
    let pdf = folder.path.join("out.pdf");

    let rendered = renderers.render(&folder, &html_path, &pdf).await.unwrap();

    assert_eq!(connections.load(Ordering::SeqCst), 0, "no connection was made");
    for url in &escapes {
        assert!(rendered.refused.iter().any(|refused| refused == url), "{url} refused: {:?}", rendered.refused);
    }
    assert!(rendered.refused.iter().any(|url| url.ends_with("/style.css")), "{:?}", rendered.refused);
    assert!(!rendered.refused.iter().any(|url| url.ends_with("inside.png")), "the folder's own image is read");
    let text = pdf_text(&pdf);
    assert!(text.contains("Outside"), "{text}");
    assert!(!text.contains("root:"), "nothing of /etc/passwd is in the PDF");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("root:x:0:0"));
}

#[tokio::test]
async fn a_render_over_the_time_limit_fails_and_the_next_one_works() {
    let renderers = Renderers::start(&config(Duration::from_millis(300))).await.unwrap();
    let folder = renderers.job_folder("slow").unwrap();
    let mut html = String::from("<html><body>");
    for index in 0..20_000 {
        html.push_str(&format!("<p>Paragraph {index} of a very long document.</p>"));
    }
    html.push_str("</body></html>");
    let slow = folder.path.join("slow.html");
    std::fs::write(&slow, html).unwrap();
    let error = renderers.render(&folder, &slow, &folder.path.join("slow.pdf")).await.unwrap_err();
    assert!(error.to_string().contains("longer than"), "{error:#}");

    let quick = folder.path.join("quick.html");
    std::fs::write(&quick, "<html><body><p>Quick</p></body></html>").unwrap();
    // The replacement process starts on demand; its start-up does not count against a render.
    let pdf = folder.path.join("quick.pdf");
    let rendered = renderers.render(&folder, &quick, &pdf).await;
    let rendered = match rendered {
        Ok(rendered) => rendered,
        // A cold process may need longer than 300 ms for its first layout: the one after works.
        Err(_) => renderers.render(&folder, &quick, &pdf).await.unwrap(),
    };
    assert_eq!(rendered.pages, Some(1));
    assert!(pdf_text(&pdf).contains("Quick"));
}

#[tokio::test]
async fn each_process_runs_under_the_memory_limit() {
    let mut settings = config(Duration::from_secs(60));
    settings.memory_mb = 900;
    let renderers = Renderers::start(&settings).await.unwrap();
    let pid = renderers.idle.lock().unwrap()[0].as_ref().unwrap().pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits.lines().find(|line| line.starts_with("Max address space")).unwrap();
    assert!(line.contains(&(900u64 * 1024 * 1024).to_string()), "{line}");
}
