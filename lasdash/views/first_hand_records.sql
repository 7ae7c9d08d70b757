-- title: Rows recorded first-hand in lasdash (no source document)
-- footprint: x.footprint
-- sub_group: x.sub_group_id
-- null_is_wider: true

SELECT {scope}x.sheet AS "Sheet", x.id AS "ID", x.label AS "Row", x.source AS "Recorded"
FROM sourced_rows x
WHERE regexp_full_match(trim(x.source), 'Recorded in lasdash by .+, \d{2}/\d{2}/\d{4}') AND {where}
ORDER BY {scope_order}x.n, x.id
