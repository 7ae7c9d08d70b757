-- title: Brief links: the organisation, person and forum each engagement and recommendation names, and the documents
-- footprint: x.footprint
-- sub_group: x.sub_group_id
-- null_is_wider: true
-- search: '|' || x.organisation_id || '|'
-- search: '|' || x.person_id || '|'
-- search: '|' || x.forum_id || '|'
-- search: '|' || x.sheet || '|'
-- A brief finds what names an ID by searching '|ID|', and the documents by searching '|Documents|'. A recommendation
-- names the organisation that made it; a document's Label is its title, for a brief's sources.

SELECT {scope}x.sheet AS "Sheet", x.id AS "ID", x.label AS "Label", x.organisation_id AS "Organisation ID",
  x.person_id AS "Person ID", x.forum_id AS "Forum ID", x.footprint AS "Footprint"
FROM (
  SELECT 'Engagements' AS sheet, 1 AS n, e.id, NULL AS label, e.organisation_id, e.person_id, e.forum_id,
    coalesce(o.footprint, f.footprint, po.footprint) AS footprint,
    coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id) AS sub_group_id
  FROM engagements e
  LEFT JOIN organisations o ON o.id = e.organisation_id
  LEFT JOIN people p ON p.id = e.person_id
  LEFT JOIN organisations po ON po.id = p.organisation_id
  LEFT JOIN forum_x f ON f.id = e.forum_id
  UNION ALL
  SELECT 'Recommendations', 2, r.id, NULL, r.made_by_id, NULL, NULL, o.footprint, o.sub_group_id
  FROM recommendations r LEFT JOIN organisations o ON o.id = r.made_by_id
  UNION ALL
  SELECT 'Documents', 3, d.id, d.title, NULL, NULL, NULL, NULL, NULL FROM documents d
) x
WHERE {where}
ORDER BY {scope_order}x.n, x.id
