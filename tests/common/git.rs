//! A real git repository in a temporary folder for `check --pr` and its
//! snapshots: a main branch with the CECi programme, a staff list, the
//! fixture calendar and two records (dana, submitted with exactly 150 hours;
//! emile, in progress), and a PR branch. Commits carry fixed times, so the
//! history is the same on every run.

use std::path::Path;

use git2::{Oid, Repository, Signature, Time};

use super::{copy_dir, repo as crate_dir, write};

const STAFF: &str =
    "# Staff handles: may change anything in a PR.\nstaff:\n  - { handle: prof-x, name: Prof X }\n";

/// Commits everything in the work tree on HEAD at `seconds` since the
/// epoch, so that dates read from the history are known in advance.
pub fn commit_all_at(git: &Repository, seconds: i64, message: &str) -> Oid {
    let mut index = git.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("T", "t@example.org", &Time::new(seconds, 0)).unwrap();
    let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    git.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// A repository on `main` with the base site, HEAD on a new branch `pr`.
pub struct Repo {
    dir: tempfile::TempDir,
    git: Repository,
    /// Seconds since the epoch of the next commit: commits come in order.
    clock: i64,
}

impl Repo {
    pub fn new() -> Repo {
        Repo::with(|_| {})
    }

    /// Also a site (the basic fixture's content and settings, the default
    /// theme) on main, after `prepare` has changed the work tree.
    pub fn with_site(prepare: impl Fn(&Path)) -> Repo {
        Repo::with(|root| {
            let basic = crate_dir().join("tests/fixtures/basic");
            copy_dir(&basic.join("content"), &root.join("content"));
            copy_dir(&basic.join("static"), &root.join("static"));
            write(
                root,
                "data/site.yml",
                std::fs::read(basic.join("data/site.yml")).unwrap(),
            );
            copy_dir(
                &crate_dir().join("themes/default"),
                &root.join("themes/default"),
            );
            prepare(root);
        })
    }

    /// The base site, with `more` added before the first commit.
    pub fn with(more: impl Fn(&Path)) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let git = Repository::init(dir.path()).unwrap();
        let mut r = Repo {
            dir,
            git,
            clock: 1_767_225_600, // 2026-01-01
        };
        let root = r.root().to_path_buf();
        write(
            &root,
            "data/programmes/ceci.yml",
            std::fs::read(crate_dir().join("data/programmes/ceci.yml")).unwrap(),
        );
        write(&root, "data/staff.yml", STAFF);
        copy_dir(
            &crate_dir().join("tests/fixtures/portfolios/calendar"),
            &root.join("data/calendar"),
        );
        for h in ["dana", "emile"] {
            copy_dir(
                &crate_dir().join("tests/fixtures/portfolios/good").join(h),
                &root.join("data/portfolios").join(h),
            );
        }
        more(&root);
        r.commit("refs/heads/main", "base");
        r.git.set_head("refs/heads/main").unwrap();
        // The PR branch starts here; main moves on afterwards.
        let base = r.git.head().unwrap().target().unwrap();
        r.git
            .branch("pr", &r.git.find_commit(base).unwrap(), false)
            .unwrap();
        r.advance_main(base);
        r.git.set_head("refs/heads/pr").unwrap();
        r
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Commits the work tree (additions, changes, deletions, links, modes)
    /// on `branch`.
    pub fn commit(&mut self, branch: &str, message: &str) -> Oid {
        let mut index = self.git.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.git.find_tree(index.write_tree().unwrap()).unwrap();
        self.clock += 3600;
        let sig = Signature::new("T", "t@example.org", &Time::new(self.clock, 0)).unwrap();
        let parent = self
            .git
            .find_reference(branch)
            .ok()
            .and_then(|r| r.target())
            .map(|id| self.git.find_commit(id).unwrap());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.git
            .commit(Some(branch), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    /// A commit on main after the branch point, only in git: a PR is
    /// compared with the merge base, so this must never show up as a change.
    pub fn advance_main(&mut self, base: Oid) {
        let blob = self.git.blob(b"News of main\n").unwrap();
        let base_tree = self.git.find_commit(base).unwrap().tree().unwrap();
        let mut tb = self.git.treebuilder(Some(&base_tree)).unwrap();
        tb.insert("NEWS.md", blob, 0o100644).unwrap();
        let tree = self.git.find_tree(tb.write().unwrap()).unwrap();
        self.clock += 3600;
        let sig = Signature::new("T", "t@example.org", &Time::new(self.clock, 0)).unwrap();
        let parent = self.git.find_commit(base).unwrap();
        self.git
            .commit(
                Some("refs/heads/main"),
                &sig,
                &sig,
                "main moves on",
                &tree,
                &[&parent],
            )
            .unwrap();
    }

    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// emile takes dana's production and moves his own note into
    /// content/: a PR that touches two record folders and the site.
    pub fn move_files_across_folders(&self) {
        std::fs::rename(
            self.root()
                .join("data/portfolios/dana/productions/bilan.md"),
            self.root().join("data/portfolios/emile/bilan.md"),
        )
        .unwrap();
        std::fs::create_dir_all(self.root().join("content")).unwrap();
        std::fs::rename(
            self.root().join("data/portfolios/emile/pv.md"),
            self.root().join("content/pv.md"),
        )
        .unwrap();
    }

    pub fn pr(&mut self) {
        self.commit("refs/heads/pr", "the PR");
    }
}
