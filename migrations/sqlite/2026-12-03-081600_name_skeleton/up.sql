-- Issue 18, finding 10: look-alike names (`TeIl MAMA`, a Cyrillic `Тell MAMA`) are one
-- organisation. The UTS #39 skeleton of each name (`OrgName::skeleton`), computed in Rust: rows
-- written before this column are filled in after the migrations run
-- (`db::migrations::fill_name_skeletons`). Not unique: names that already collide stay apart.
ALTER TABLE organisations ADD COLUMN name_skeleton TEXT NOT NULL DEFAULT '';
CREATE INDEX organisations_skeleton_idx ON organisations (name_skeleton, country_code);
