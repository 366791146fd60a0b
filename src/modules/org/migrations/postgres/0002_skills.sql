-- Skills (short codes: sales, service, vip, en) and a capacity weight per user: work that
-- requires skills goes only to people who have all of them, balanced by load ÷ capacity.
ALTER TABLE users ADD COLUMN skills TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN capacity DOUBLE PRECISION NOT NULL DEFAULT 1;
