use super::*;

const LETTER: &str = "0192f1c2-0000-7000-8000-000000000001";

fn entry(seq: i64, action: Action, org: &str, prev: &str) -> Entry {
    Entry {
        seq,
        format: FORMAT,
        time: format!("2026-11-28T10:00:0{seq}.000001Z"),
        action,
        organisation: org.into(),
        name: format!("{org} name"),
        country: "FR".into(),
        verification: "unverified".into(),
        website: Some(format!("https://{org}.example/")),
        text_hash: "ab".repeat(32),
        prev_hash: prev.into(),
        hash: String::new(),
    }
    .sealed(LETTER)
}

fn chain() -> Vec<Entry> {
    let a = entry(1, Action::Text, "", GENESIS);
    let b = entry(2, Action::Published, "acme", &a.hash);
    let c = entry(3, Action::Published, "beta", &b.hash);
    let d = entry(4, Action::Withdrawn, "acme", &c.hash);
    vec![a, b, c, d]
}

fn replay(entries: &[Entry]) -> Result<Replay, ChainError> {
    let mut replay = Replay::new(LETTER);
    for e in entries {
        replay.apply(e)?;
    }
    Ok(replay)
}

/// An entry as format 1 wrote it: no website.
fn v1(mut e: Entry) -> Entry {
    e.format = 1;
    e.website = None;
    e
}

#[test]
fn the_encoding_is_netstrings_in_a_fixed_order() {
    let e = v1(entry(1, Action::Text, "", GENESIS));
    let text = String::from_utf8(e.canonical(LETTER)).unwrap();
    assert!(text.starts_with("27:undersigned-ledger-entry-v1,36:0192f1c2-"));
    assert!(text.contains(",1:1,27:2026-11-28T10:00:01.000001Z,4:text,0:,"));
    assert!(text.ends_with(&format!("64:{GENESIS},")));
    // Field boundaries cannot be shifted: moving text between two fields changes the hash.
    let mut moved = e.clone();
    moved.name = "x".into();
    moved.country = String::new();
    let mut other = e.clone();
    other.name = String::new();
    other.country = "x".into();
    assert_ne!(moved.compute_hash(LETTER), other.compute_hash(LETTER));
    assert_ne!(e.compute_hash(LETTER), e.compute_hash("another letter"));
}

/// The vectors of docs/VERIFY.md, computed there by an independent implementation.
#[test]
fn the_documented_test_vectors_hold() {
    let letter = "0192f1c2-5e0a-7c3d-9a41-2f1e8d7b6c5a";
    let text_hash = crate::domain::letter::text_hash("Stop spyware", "Dear CEO,");
    assert_eq!(
        text_hash,
        "2ad0c16b5345e59cb29fa641e7f85394191d13dc4e6c46f38bd3305ff8f2b7d1"
    );
    let first = Entry {
        seq: 1,
        format: 1,
        time: "2026-11-20T10:00:00.000000Z".into(),
        action: Action::Text,
        organisation: String::new(),
        name: String::new(),
        country: String::new(),
        verification: String::new(),
        website: None,
        text_hash: text_hash.clone(),
        prev_hash: GENESIS.into(),
        hash: String::new(),
    }
    .sealed(letter);
    assert_eq!(
        first.hash,
        "6ca756ad9e557093a4c5d86bc838f44df26763e5e4b08e04350332f0ec939c47"
    );
    let second = Entry {
        seq: 2,
        format: 1,
        time: "2026-11-20T10:04:31.220981Z".into(),
        action: Action::Published,
        organisation: "access-now".into(),
        name: "Access Now".into(),
        country: "US".into(),
        verification: "domain".into(),
        website: None,
        text_hash: text_hash.clone(),
        prev_hash: first.hash.clone(),
        hash: String::new(),
    }
    .sealed(letter);
    assert_eq!(
        second.hash,
        "97eae92cbc06b87ad148fcc9fef798f29874b3fea560f27f515e0e16d7fec1b0"
    );
    // RFC 8032's first test key.
    let key =
        LedgerKey::from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap();
    assert_eq!(
        key.public_hex(),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    let head = key.sign_head(letter, 2, &second.hash);
    assert_eq!(
        head.signature,
        "b814c164c53a223c9a6dd5d2e27327800781f68563bacdb80a427503df95ba9a\
         b7aa685be6020644c406c04f65b1e78d48cb3041ebe5b308252b7aa951b9f70b"
    );

    // Format 2 (issue 18, finding 8): the same two entries with the website.
    let first2 = Entry {
        format: 2,
        website: Some(String::new()),
        hash: String::new(),
        ..first.clone()
    }
    .sealed(letter);
    assert_eq!(
        first2.hash,
        "c4f6dbcb096d87d1c60928da78b63d09d3a4bcef228ff328907a963935addcfc"
    );
    let second2 = Entry {
        format: 2,
        website: Some("https://www.accessnow.org/".into()),
        prev_hash: first2.hash.clone(),
        hash: String::new(),
        ..second.clone()
    }
    .sealed(letter);
    assert_eq!(
        second2.hash,
        "ded07504a35a37fbb957b55695c2154f965056a16418136e49e4d104793cf944"
    );
    assert_eq!(
        key.sign_head(letter, 2, &second2.hash).signature,
        "1bef3eb8d3649c4f003199d1eb3b4d938571155ea704ebc9fb5a779f63c3926a\
         4e003848fb252441886038fe08e52092ed899d9e1702546c8f87e9e81f75b803"
    );
    // A mixed chain: the two format-1 entries, then a format-2 update of the website.
    let third = Entry {
        seq: 3,
        format: 2,
        time: "2026-11-21T08:30:00.000000Z".into(),
        action: Action::Updated,
        website: Some("https://accessnow.org/".into()),
        prev_hash: second.hash.clone(),
        hash: String::new(),
        ..second.clone()
    }
    .sealed(letter);
    assert_eq!(
        third.hash,
        "b4cf836b9bba4c48209ee355ae5a235e19b0873995ed01d1ac731a89883cb9d7"
    );
    let mut replay = Replay::new(letter);
    for e in [&first, &second, &third] {
        replay.apply(e).unwrap();
    }
    let listed = &replay.listed["access-now"];
    assert_eq!(listed.website.as_deref(), Some("https://accessnow.org/"));
}

#[test]
fn a_sound_chain_replays_to_its_list() {
    let replay = replay(&chain()).unwrap();
    assert_eq!(replay.length, 4);
    assert_eq!(replay.head, chain()[3].hash);
    assert_eq!(replay.listed.keys().collect::<Vec<_>>(), ["beta"]);
    assert_eq!(replay.text_hash.as_deref(), Some("ab".repeat(32).as_str()));
}

#[test]
fn every_kind_of_tampering_names_the_first_bad_entry() {
    let fields: Vec<fn(&mut Entry)> = vec![
        |e| e.time = "2026-11-28T10:00:09.000001Z".into(),
        |e| e.action = Action::Removed,
        |e| e.organisation = "other".into(),
        |e| e.name = "Forged".into(),
        |e| e.country = "DE".into(),
        |e| e.verification = "domain".into(),
        |e| e.website = Some("https://forged.example/".into()),
        |e| e.website = None,
        |e| e.format = 1,
        |e| e.format = 3,
        |e| e.text_hash = "cd".repeat(32),
        |e| e.prev_hash = GENESIS.into(),
        |e| e.hash = "ef".repeat(32),
        |e| e.seq = 7,
    ];
    for change in fields {
        let mut entries = chain();
        change(&mut entries[2]);
        assert_eq!(replay(&entries).unwrap_err().position, 3, "{entries:?}");
    }
    let mut removed = chain();
    removed.remove(1);
    assert_eq!(replay(&removed).unwrap_err().position, 2);
    let mut swapped = chain();
    swapped.swap(1, 2);
    assert_eq!(replay(&swapped).unwrap_err().position, 2);
    // Renumbered after a removal: the chain of hashes still breaks there.
    let mut renumbered = chain();
    renumbered.remove(1);
    renumbered[1].seq = 2;
    assert_eq!(replay(&renumbered).unwrap_err().position, 2);
}

#[test]
fn a_rehashed_chain_still_breaks_on_meaning() {
    let a = entry(1, Action::Text, "", GENESIS);
    let b = entry(2, Action::Withdrawn, "ghost", &a.hash);
    let err = replay(&[a, b]).unwrap_err();
    assert_eq!(err.position, 2);
    assert!(err.problem.contains("not"), "{err}");
}

#[test]
fn heads_are_signed_and_checked() {
    let key = LedgerKey::generate();
    let head = key.sign_head(LETTER, 4, &chain()[3].hash);
    assert_eq!(verify_head(&key.public_hex(), &head), Ok(()));
    let again = LedgerKey::from_hex(&key.seed_hex()).unwrap();
    assert_eq!(again.public_hex(), key.public_hex());
    for tampered in [
        Head {
            length: 3,
            ..head.clone()
        },
        Head {
            hash: GENESIS.into(),
            ..head.clone()
        },
        Head {
            letter: "other".into(),
            ..head.clone()
        },
    ] {
        assert!(verify_head(&key.public_hex(), &tampered).is_err());
    }
    let stranger = LedgerKey::generate();
    assert!(verify_head(&stranger.public_hex(), &head).is_err());
    assert!(LedgerKey::from_hex("abc").is_err());
}

#[test]
fn the_list_must_be_what_the_ledger_implies() {
    let replay = replay(&chain()).unwrap();
    let beta = |name: &str| ListRow {
        organisation: "beta".into(),
        name: name.into(),
        country: "FR".into(),
        verification: "unverified".into(),
        website: "https://beta.example/".into(),
        text_hash: "ab".repeat(32),
        signed_at: "2026-11-28T10:00:03.000001Z".into(),
    };
    assert!(compare_list(&replay.listed, [beta("beta name")]).is_empty());
    assert_eq!(compare_list(&replay.listed, [beta("Forged")]).len(), 1);
    // Issue 18, finding 8: a website the ledger does not say is caught.
    let moved = ListRow {
        website: "https://forged.example/".into(),
        ..beta("beta name")
    };
    let problems = compare_list(&replay.listed, [moved]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("website"), "{problems:?}");
    assert_eq!(compare_list(&replay.listed, []).len(), 1);
    let intruder = ListRow {
        organisation: "intruder".into(),
        ..beta("Intruder")
    };
    let problems = compare_list(&replay.listed, [beta("beta name"), intruder]);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("no ledger entry"), "{problems:?}");
}

/// Issue 18, finding 8: old format-1 entries verify as before, format 2 may follow them, and
/// a website is compared only where the ledger records it.
#[test]
fn format_1_entries_still_verify_and_format_2_may_follow_but_never_precede_them() {
    let a = v1(entry(1, Action::Text, "", GENESIS)).sealed(LETTER);
    let b = v1(entry(2, Action::Published, "acme", &a.hash)).sealed(LETTER);
    let c = entry(3, Action::Published, "beta", &b.hash);
    let mixed = replay(&[a.clone(), b.clone(), c.clone()]).unwrap();
    assert_eq!(
        mixed.listed["acme"].website, None,
        "format 1 records no website"
    );
    assert_eq!(
        mixed.listed["beta"].website.as_deref(),
        Some("https://beta.example/")
    );
    let row = |org: &str, website: &str, at: &str| ListRow {
        organisation: org.into(),
        name: format!("{org} name"),
        country: "FR".into(),
        verification: "unverified".into(),
        website: website.into(),
        text_hash: "ab".repeat(32),
        signed_at: at.into(),
    };
    let rows = |acme: &str, beta: &str| {
        [
            row("acme", acme, "2026-11-28T10:00:02.000001Z"),
            row("beta", beta, "2026-11-28T10:00:03.000001Z"),
        ]
    };
    let problems = compare_list(&mixed.listed, rows("", "https://beta.example/"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        compare_list(&mixed.listed, rows("", "https://forged.example/")).len(),
        1
    );
    // A format-2 update brings acme's website under the ledger.
    let d = entry(4, Action::Updated, "acme", &c.hash);
    let updated = replay(&[a.clone(), b.clone(), c.clone(), d]).unwrap();
    let problems = compare_list(&updated.listed, rows("", "https://beta.example/"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("acme: the list shows website"),
        "{problems:?}"
    );

    // The format never goes back.
    let back = v1(entry(4, Action::Published, "gamma", &c.hash)).sealed(LETTER);
    let err = replay(&[a, b, c, back]).unwrap_err();
    assert_eq!(err.position, 4);
    assert!(err.problem.contains("never goes back"), "{err}");
}

fn item(id: i64, action: &str, e: &Entry) -> FeedItem {
    FeedItem {
        id,
        action: action.into(),
        organisation: e.organisation.clone(),
        name: e.name.clone(),
        country: e.country.clone(),
        time: e.time.clone(),
    }
}

/// Issue 18, finding 8: the change feed is checked against the ledger.
#[test]
fn the_feed_must_be_the_ledgers_changes() {
    let entries = chain();
    let feed = vec![
        item(10, "added", &entries[1]),
        item(11, "added", &entries[2]),
        item(12, "withdrawn", &entries[3]),
    ];
    let whole = FeedCoverage {
        from_start: true,
        to_end: true,
    };
    assert!(compare_feed(&entries, &feed, whole).is_empty());
    // An item removed, altered or made up.
    let mut removed = feed.clone();
    removed.remove(1);
    let problems = compare_feed(&entries, &removed, whole);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("ledger entry 3 (published beta"),
        "{problems:?}"
    );
    let mut renamed = feed.clone();
    renamed[0].name = "Forged".into();
    let problems = compare_feed(&entries, &renamed, whole);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("feed item 10 shows name \"Forged\""),
        "{problems:?}"
    );
    let mut moved = feed.clone();
    moved[2].action = "added".into();
    let problems = compare_feed(&entries, &moved, whole);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("feed item 12"), "{problems:?}");
    // A page covers only its stretch: entries before its first item are not missing...
    let page = FeedCoverage {
        from_start: false,
        to_end: true,
    };
    assert!(compare_feed(&entries, &feed[1..], page).is_empty());
    // ...but one inside it or after it (when nothing follows) is.
    let problems = compare_feed(&entries, &feed[..2], page);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("ledger entry 4"), "{problems:?}");
    let partial = FeedCoverage {
        from_start: false,
        to_end: false,
    };
    assert!(compare_feed(&entries, &feed[..2], partial).is_empty());
    let gap = [feed[0].clone(), feed[2].clone()];
    assert_eq!(compare_feed(&entries, &gap, partial).len(), 1);
}

/// Issue 18, finding 8: the texts served must be the ledger's texts.
#[test]
fn served_texts_must_hash_to_the_ledgers_text_entries() {
    let text = |label: &str, title: &str, body: &str| ServedText {
        label: label.into(),
        title: title.into(),
        body: body.into(),
        text_hash: crate::domain::letter::text_hash(title, body),
    };
    let v1 = text("version 1", "Stop spyware", "Dear CEO,");
    let v2 = text("version 2", "Stop spyware", "Dear CEO, now.");
    let fr = text("the fr translation", "Arrêtez", "Madame,");
    let letter = ServedText {
        label: "the letter".into(),
        ..v2.clone()
    };
    let texts = vec![
        v1.text_hash.clone(),
        fr.text_hash.clone(),
        v2.text_hash.clone(),
    ];
    let versions = [v1.clone(), v2.clone()];
    let translations = [fr.clone()];
    let problems = compare_texts(&texts, &letter, &versions, &translations);
    assert!(problems.is_empty(), "{problems:?}");
    // The body changed behind the hash: caught by hashing.
    let edited = ServedText {
        body: "Dear CEO, forged.".into(),
        ..letter.clone()
    };
    let problems = compare_texts(&texts, &edited, &versions, &translations);
    assert!(
        problems[0].contains("the letter: its title and body hash to"),
        "{problems:?}"
    );
    // The body and its hash changed, with the latest version: no text entry has it.
    let forged = text("version 2", "Stop spyware", "Forged.");
    let forged_letter = ServedText {
        label: "the letter".into(),
        ..forged.clone()
    };
    let problems = compare_texts(&texts, &forged_letter, &[v1.clone(), forged], &translations);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems.iter().all(|p| p.contains("is in no text entry")),
        "{problems:?}"
    );
    // Versions out of the ledger's order; a letter showing an older version.
    let problems = compare_texts(&texts, &letter, &[v2.clone(), v1.clone()], &translations);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("version 1: its text entry is not after")),
        "{problems:?}"
    );
    let old = ServedText {
        label: "the letter".into(),
        ..v1.clone()
    };
    let problems = compare_texts(&texts, &old, &versions, &translations);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("not its latest version"),
        "{problems:?}"
    );
}
