-- title: Recommendations
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- null_is_wider: true
-- owner: r.owner

SELECT {scope}r.id AS "ID", r.text AS "Recommendation", coalesce(r.status, 'Not recorded') AS "Status",
  CASE WHEN r.due < getvariable('today') AND coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded')
       THEN 'Yes' ELSE 'No' END AS "Overdue",
  CASE WHEN "Overdue" = 'Yes' THEN getvariable('today') - r.due END AS "Days overdue",
  r.due AS "Due", r.owner AS "Owner", r.reference AS "Reference", d.title AS "Source document", r.kind AS "Kind",
  o.name AS "Made by",
  r.theme AS "Theme", r.last_update AS "Last update", r.progress_note AS "Progress note", r.source AS "Source"
FROM recommendations r
LEFT JOIN documents d ON d.id = r.document_id
LEFT JOIN organisations o ON o.id = r.made_by_id
WHERE {where}
-- what needs acting on first: the longest overdue, then the rest in the documents' order
ORDER BY {scope_order}"Days overdue" DESC NULLS LAST, r.document_id, r.id
