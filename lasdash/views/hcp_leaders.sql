-- title: HCP leaders (Chart 1 roles)
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

SELECT {scope}coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role", s.programme AS "Programme",
  coalesce(s.forum_name, s.organisation_name) AS "Where", s.eff_footprint AS "Footprint",
  s.note AS "Note", s.source AS "Source"
FROM seats s
WHERE s.eff_sub_group = 'SG01' AND s.eff_footprint IN ('NWL','NCL','NEL','SEL','SWL')
  AND s.role IN ('Chair','Independent Chair','Interim Chair','Co-chair','Convenor','Accountable Officer',
                 'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                 'SRO','Programme Director')
  AND {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL'], s.eff_footprint),
  array_position(['Independent Chair','Chair','Co-chair','Interim Chair','Convenor','Accountable Officer',
                  'Chief Officer','Clinical lead','Co-clinical lead','LA lead','Provider lead','Provider SRO',
                  'SRO','Programme Director'], s.role), s.programme, s.id
