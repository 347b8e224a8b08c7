-- The table the Orleans ADO.NET providers read their statements from: one row per query key.
-- Later migrations fill it; every statement here and there may run again without harm.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)  NOT NULL PRIMARY KEY,
    querytext text         NOT NULL
);
