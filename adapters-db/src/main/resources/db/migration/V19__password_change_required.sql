-- Set for the initial admin whose password Berth generated: the admin UI asks for a new password at
-- the next sign-in; setting a password clears it.
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;
