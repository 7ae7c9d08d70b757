-- title: SROs and leads by programme and footprint
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

SELECT {scope}coalesce(s.programme, s.forum_name) AS "Programme", s.eff_footprint AS "Footprint", s.area AS "Area",
  CASE WHEN s.is_gap THEN 'Gap: ' || coalesce(nullif(s.note, ''), 'not known') ELSE s.person_display END AS "Lead",
  s.role AS "Role", s.is_gap AS "Gap", s.source AS "Source"
FROM seats s
WHERE s.role IN ('SRO','Lead SRO','Joint SRO','Provider SRO','SPG lead','CCG lead','Programme lead')
  AND (s.programme IS NOT NULL OR s.forum_kind IN ('Programme', 'Work programme', 'Workstream'))
  AND {where}
ORDER BY {scope_order}"Programme", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.id
