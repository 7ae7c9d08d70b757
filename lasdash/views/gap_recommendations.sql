-- title: Data gaps: recommendations without an owner or a status
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- null_is_wider: true

SELECT {scope}r.id AS "ID", r.text AS "Recommendation", d.title AS "Source document",
  CASE WHEN r.owner IS NULL AND r.status IS NULL THEN 'Owner and status'
       WHEN r.owner IS NULL THEN 'Owner' ELSE 'Status' END AS "Missing",
  r.owner AS "Owner", r.status AS "Status", r.source AS "Source"
FROM recommendations r
LEFT JOIN documents d ON d.id = r.document_id
LEFT JOIN organisations o ON o.id = r.made_by_id
WHERE (r.owner IS NULL OR r.status IS NULL) AND {where}
ORDER BY {scope_order}r.document_id, r.id
