-- title: Forums LAS should attend, with the LAS role and the forum's chairs
-- footprint: f.footprint
-- sub_group: f.sub_group_id
-- owner: f.las_attendee
-- a chair seat whose holder is not known reads 'Unknown' (with its gap note); a forum with no chair seat on the map
-- says so, rather than showing nothing

WITH chairs AS (
  SELECT s.forum_id,
    string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) AS chair,
    string_agg(coalesce(s.organisation_name, ho.name, 'not recorded'), '; ' ORDER BY s.id)
      FILTER (WHERE NOT s.is_gap) AS organisation,
    string_agg(DISTINCT s.note, '; ' ORDER BY s.note) FILTER (WHERE s.is_gap) AS gap_note
  FROM seats s
  LEFT JOIN people p ON p.id = s.person_id
  LEFT JOIN organisations ho ON ho.id = p.organisation_id
  WHERE s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')
  GROUP BY s.forum_id)
SELECT {scope}f.name AS "Forum", f.kind AS "Kind", f.footprint AS "Footprint", f.las_attendee AS "LAS attendee role",
  coalesce(c.chair, 'Not on the map') AS "Chair", c.organisation AS "Chair's organisation",
  c.gap_note AS "Gap note", f.tier AS "Tier", f.cadence AS "Cadence", f.host_name AS "Host organisation",
  f.id AS "ID", f.source AS "Source"
FROM forum_x f LEFT JOIN chairs c ON c.forum_id = f.id
WHERE trim(coalesce(f.las_attendee, '')) <> '' AND {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint),
  array_position(['Board','Executive','Clinical','Programme'], f.tier) NULLS LAST, f.name
