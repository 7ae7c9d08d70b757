-- title: Open recommendations and their owners, overdue first
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- null_is_wider: true
-- owner: r.owner
-- Open is any status but Done, Closed or Superseded; a blank status counts as open (as on Recommendations).

SELECT {scope}r.reference AS "Reference", r.text AS "Recommendation", r.due AS "Due",
  coalesce(r.status, 'Not recorded') AS "Status",
  CASE WHEN r.due < getvariable('today') THEN getvariable('today') - r.due END AS "Days overdue",
  r.owner AS "Owner", o.name AS "Made by", d.title AS "Source document", r.last_update AS "Last update",
  r.progress_note AS "Progress note", r.id AS "ID", r.source AS "Source"
FROM recommendations r
LEFT JOIN documents d ON d.id = r.document_id
LEFT JOIN organisations o ON o.id = r.made_by_id
WHERE coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded') AND {where}
ORDER BY {scope_order}"Days overdue" DESC NULLS LAST, r.due NULLS LAST, r.document_id, r.id
