-- title: Data gaps: forums with no named chair
-- footprint: f.footprint
-- sub_group: f.sub_group_id

SELECT {scope}f.id AS "ID", f.name AS "Forum", f.kind AS "Kind", f.footprint AS "Footprint",
  f.host_name AS "Host organisation",
  CASE WHEN bool_or(s.is_gap) THEN 'Chair seat recorded, holder unknown' ELSE 'No chair recorded' END AS "Gap",
  f.source AS "Source"
FROM forum_x f
LEFT JOIN seats s ON s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')
WHERE {where}
GROUP BY f.id, f.name, f.kind, f.footprint, f.host_name, f.source
HAVING NOT coalesce(bool_or(NOT s.is_gap), FALSE)
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.kind, f.name
