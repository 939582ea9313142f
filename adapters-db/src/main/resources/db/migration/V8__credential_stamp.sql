-- Changed with every change of a user's password, enabled or admin flag. A refresh token carries
-- the stamp of its issue and is refused once it differs: refresh tokens die with what they stand for.
ALTER TABLE users ADD COLUMN credential_stamp BIGINT NOT NULL DEFAULT 0;
