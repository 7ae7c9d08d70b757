-- title: JHOSC chairs and vice chairs
-- footprint: f.footprint
-- sub_group: f.sub_group_id

SELECT {scope}f.name AS "JHOSC",
  coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair'),
           CASE WHEN bool_or(s.role = 'Chair' AND s.is_gap) THEN 'Unknown' END) AS "Chair",
  string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Chair' AND NOT s.is_gap) AS "Chair's council",
  coalesce(string_agg(s.person_display, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair'),
           CASE WHEN bool_or(s.role = 'Vice Chair' AND s.is_gap) THEN 'Unknown' END) AS "Vice chair(s)",
  string_agg(s.organisation_name, '; ' ORDER BY s.id) FILTER (WHERE s.role = 'Vice Chair' AND NOT s.is_gap) AS "Vice chairs' councils",
  string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.is_gap) AS "Gap note",
  f.footprint AS "Footprint", f.source AS "Source"
FROM forum_x f LEFT JOIN seats s ON s.forum_id = f.id AND s.role IN ('Chair', 'Vice Chair')
WHERE f.kind = 'JHOSC' AND {where}
GROUP BY f.id, f.name, f.footprint, f.source
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], f.footprint), f.name
