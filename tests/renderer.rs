//! The build renders its outputs through one `Renderer`, each worker
//! putting a page's own keys into a context its language shares and
//! taking them out again. Whatever order outputs come in, each must be
//! what a render of that output alone gives: no key of a page may be left
//! for the next one (`breadcrumbs is defined` on a 404 page, a menu item
//! still marked current).

mod common;

use common::{copy_dir, repo};
use engage::core::source::{Disk, Files};
use engage::site::render::Scratch;
use engage::site::BuildOptions;
use engage::workspace::{Parts, Workspace};

#[test]
fn outputs_rendered_in_turn_with_one_scratch_are_each_as_rendered_alone() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "data", "themes"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    let options = BuildOptions {
        today: Some("2026-03-01".parse().unwrap()),
        ..BuildOptions::default()
    };
    let ws = Workspace::load(Files::new(Disk::new(dir.path())), Parts::SITE, &options);
    let site = ws.site.as_ref().expect("the example site loads");
    let outputs = site.outputs();
    let alone: Vec<(String, Vec<u8>)> = outputs.iter().map(|o| site.render(o).unwrap()).collect();
    // Pages, notices and 404 pages of both languages, in both orders.
    assert!(outputs.len() > 40, "{} outputs", outputs.len());
    let renderer = site.renderer();
    for reversed in [false, true] {
        let mut order: Vec<usize> = (0..outputs.len()).collect();
        if reversed {
            order.reverse();
        }
        let mut scratch = Scratch::default();
        for i in order {
            let (path, bytes) = renderer.render(&mut scratch, &outputs[i]).unwrap();
            assert_eq!(path, alone[i].0);
            assert!(
                bytes == alone[i].1,
                "{path} differs when rendered after other outputs (reversed: {reversed})"
            );
        }
    }
}
