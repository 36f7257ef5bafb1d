// @generated automatically by Diesel CLI.

//! The tables of both backends: `diesel print-schema` run on a fresh SQLite database built from
//! `migrations/sqlite`, with diesel.toml's settings and src/db/schema.patch applied. Regenerate it
//! rather than edit it (docs/ARCHITECTURE.md, "The schema is generated"); `.ci/schema-check`
//! checks that it is current and that `migrations/postgres` gives the same tables. It uses only
//! the types diesel's `MultiConnection` supports on both backends (Text, Integer, BigInt,
//! Timestamp, Nullable).

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_name -> Text,
        coalition_id -> Nullable<Text>,
        letter_id -> Nullable<Text>,
        subject_kind -> Text,
        subject_id -> Text,
        action -> Text,
        details -> Text,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        slug -> Text,
        coalition_id -> Text,
        title -> Text,
        description -> Text,
        goal_organisations -> Nullable<Integer>,
        goal_countries -> Nullable<Integer>,
        goal_date -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    coalition_organisations (coalition_id, organisation_id) {
        coalition_id -> Text,
        organisation_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    coalitions (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    countries (code) {
        code -> Text,
        alpha3 -> Text,
        name -> Text,
        numeric_code -> Nullable<Integer>,
        is_iso -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        letter_id -> Text,
        recipient_email -> Nullable<Text>,
        signatories -> BigInt,
        countries -> BigInt,
        ledger_seq -> BigInt,
        ledger_hash -> Text,
        note -> Nullable<Text>,
        delivered_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        letter_id -> Text,
        organisation_id -> Text,
        email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        sent_at -> Timestamp,
        opened_at -> Nullable<Timestamp>,
        signed_at -> Nullable<Timestamp>,
        signature_id -> Nullable<Text>,
        reminded_at -> Nullable<Timestamp>,
        reminders -> Integer,
    }
}

diesel::table! {
    ledger_entries (letter_id, seq) {
        letter_id -> Text,
        seq -> BigInt,
        occurred_at -> Timestamp,
        action -> Text,
        organisation_slug -> Text,
        organisation_name -> Text,
        country_code -> Text,
        verification -> Text,
        text_hash -> Text,
        prev_hash -> Text,
        hash -> Text,
        head_signature -> Text,
        format -> Integer,
        website -> Nullable<Text>,
    }
}

diesel::table! {
    letter_country_counts (letter_id, country_code, shard) {
        letter_id -> Text,
        country_code -> Text,
        shard -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    letter_previews (id) {
        id -> Text,
        letter_id -> Text,
        label -> Nullable<Text>,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    letter_translations (letter_id, language) {
        letter_id -> Text,
        language -> Text,
        title -> Text,
        body -> Text,
        text_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    letter_updates (id) {
        id -> Text,
        letter_id -> Text,
        subject -> Text,
        body -> Text,
        recipients -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    letter_versions (letter_id, version) {
        letter_id -> Text,
        version -> Integer,
        title -> Text,
        body -> Text,
        text_hash -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    letters (id) {
        id -> Text,
        slug -> Text,
        coalition_id -> Text,
        title -> Text,
        body -> Text,
        recipient_name -> Text,
        recipient_email -> Nullable<Text>,
        place_and_date -> Nullable<Text>,
        language -> Text,
        state -> Text,
        moderation -> Text,
        visibility -> Text,
        deadline -> Nullable<Timestamp>,
        text_hash -> Text,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        campaign_id -> Nullable<Text>,
        opens_at -> Nullable<Timestamp>,
        text_licence -> Nullable<Text>,
    }
}

diesel::table! {
    member_invitations (id) {
        id -> Text,
        coalition_id -> Text,
        email -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    memberships (coalition_id, user_id) {
        coalition_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_checks (organisation_id, coalition_id) {
        organisation_id -> Text,
        coalition_id -> Text,
        checked_at -> Timestamp,
        checked_by -> Nullable<Text>,
    }
}

diesel::table! {
    organisations (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        normalized_name -> Text,
        country_code -> Text,
        website -> Nullable<Text>,
        email_domain -> Nullable<Text>,
        description -> Nullable<Text>,
        verification -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        name_skeleton -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        signature_id -> Nullable<Text>,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        invitation_id -> Nullable<Text>,
        delivery_id -> Nullable<Text>,
        update_id -> Nullable<Text>,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    public_signatories (signature_id) {
        signature_id -> Text,
        letter_id -> Text,
        organisation_id -> Text,
        organisation_name -> Text,
        organisation_slug -> Text,
        sort_name -> Text,
        country_code -> Text,
        website -> Nullable<Text>,
        verification -> Text,
        text_hash -> Text,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    setup_links (token_hash) {
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    signature_events (id) {
        id -> BigInt,
        letter_id -> Text,
        signature_id -> Text,
        action -> Text,
        organisation_name -> Text,
        organisation_slug -> Text,
        country_code -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    signatures (id) {
        id -> Text,
        letter_id -> Text,
        organisation_id -> Text,
        state -> Text,
        representative_name -> Text,
        representative_role -> Text,
        email -> Text,
        comment -> Nullable<Text>,
        text_hash -> Text,
        confirm_token_hash -> Text,
        withdraw_token_hash -> Text,
        confirm_expires_at -> Timestamp,
        confirmations_sent -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        rejected_at -> Nullable<Timestamp>,
        letter_version -> Integer,
        unsubscribed_at -> Nullable<Timestamp>,
        unsubscribe_token_hash -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        verification -> Nullable<Text>,
        email_key -> Text,
        email_domain -> Text,
        network -> Nullable<Text>,
        contests -> Nullable<Text>,
        mail_language -> Text,
    }
}

diesel::table! {
    timeline_events (id) {
        id -> Text,
        campaign_id -> Nullable<Text>,
        letter_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        body -> Text,
        occurred_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(campaigns -> coalitions (coalition_id));
diesel::joinable!(coalition_organisations -> coalitions (coalition_id));
diesel::joinable!(coalition_organisations -> organisations (organisation_id));
diesel::joinable!(deliveries -> letters (letter_id));
diesel::joinable!(invitations -> letters (letter_id));
diesel::joinable!(invitations -> organisations (organisation_id));
diesel::joinable!(invitations -> signatures (signature_id));
diesel::joinable!(ledger_entries -> letters (letter_id));
diesel::joinable!(letter_country_counts -> countries (country_code));
diesel::joinable!(letter_country_counts -> letters (letter_id));
diesel::joinable!(letter_previews -> letters (letter_id));
diesel::joinable!(letter_translations -> letters (letter_id));
diesel::joinable!(letter_updates -> letters (letter_id));
diesel::joinable!(letter_versions -> letters (letter_id));
diesel::joinable!(letters -> campaigns (campaign_id));
diesel::joinable!(letters -> coalitions (coalition_id));
diesel::joinable!(member_invitations -> coalitions (coalition_id));
diesel::joinable!(memberships -> coalitions (coalition_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(organisation_checks -> coalitions (coalition_id));
diesel::joinable!(organisation_checks -> organisations (organisation_id));
diesel::joinable!(organisations -> countries (country_code));
diesel::joinable!(outbox -> deliveries (delivery_id));
diesel::joinable!(outbox -> invitations (invitation_id));
diesel::joinable!(outbox -> letter_updates (update_id));
diesel::joinable!(outbox -> signatures (signature_id));
diesel::joinable!(public_signatories -> countries (country_code));
diesel::joinable!(public_signatories -> letters (letter_id));
diesel::joinable!(public_signatories -> organisations (organisation_id));
diesel::joinable!(public_signatories -> signatures (signature_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(signature_events -> letters (letter_id));
diesel::joinable!(signature_events -> signatures (signature_id));
diesel::joinable!(signatures -> letters (letter_id));
diesel::joinable!(signatures -> organisations (organisation_id));
diesel::joinable!(timeline_events -> campaigns (campaign_id));
diesel::joinable!(timeline_events -> letters (letter_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    audit_log,
    campaigns,
    coalition_organisations,
    coalitions,
    countries,
    deliveries,
    invitations,
    ledger_entries,
    letter_country_counts,
    letter_previews,
    letter_translations,
    letter_updates,
    letter_versions,
    letters,
    member_invitations,
    memberships,
    organisation_checks,
    organisations,
    outbox,
    public_signatories,
    sessions,
    setup_links,
    signature_events,
    signatures,
    timeline_events,
    users,
);
