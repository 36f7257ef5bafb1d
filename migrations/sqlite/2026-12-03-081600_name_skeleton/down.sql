DROP INDEX organisations_skeleton_idx;
ALTER TABLE organisations DROP COLUMN name_skeleton;
