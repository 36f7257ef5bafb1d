-- Issue 23: the licence of a letter's text, chosen by its coalition: an SPDX identifier of a
-- Creative Commons licence (checked by the service, `domain::licence`). NULL: all rights reserved
-- by the coalition. The public list's licence is the instance's (the `data_licence` setting).
ALTER TABLE letters ADD COLUMN text_licence TEXT;
