-- title: Data gaps: rows whose source names no chart or section
-- footprint: x.footprint
-- sub_group: x.sub_group_id
-- null_is_wider: true

SELECT {scope}x.sheet AS "Sheet", x.id AS "ID", x.label AS "Row", x.source AS "Source"
FROM sourced_rows x
-- the validator requires a source; one naming only the document leaves the reader nowhere to look
WHERE (x.source IS NULL OR NOT regexp_matches(trim(x.source), '^\S+\s+\S')) AND {where}
ORDER BY {scope_order}x.n, x.id
