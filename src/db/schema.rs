//! Table definitions shared by both backends. Written by hand to match
//! `migrations/{sqlite,postgres}`: only the types that diesel's `MultiConnection`
//! supports on every backend (Text, Integer, BigInt, Timestamp, ...).

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
    }
}

diesel::joinable!(organisations -> countries (country_code));
diesel::joinable!(letters -> coalitions (coalition_id));

diesel::allow_tables_to_appear_in_same_query!(countries, coalitions, organisations, letters);
