-- title: Health and Wellbeing Board chairs
-- footprint: f.footprint
-- sub_group: f.sub_group_id

SELECT {scope}f.name AS "Health and Wellbeing Board",
  coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap),
           CASE WHEN bool_or(s.role = 'Chair') THEN 'Not named' ELSE 'Not recorded' END) AS "Chair",
  string_agg(s.person_display || ' (' || s.role || ')', '; ' ORDER BY s.id)
    FILTER (WHERE s.role <> 'Chair' AND NOT s.is_gap) AS "Other named members",
  string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.role = 'Chair') AS "Note",
  f.footprint AS "Footprint", f.source AS "Source"
FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id
WHERE f.kind = 'HWB' AND {where}
GROUP BY f.id, f.name, f.footprint, f.source
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint) NULLS LAST, f.name
