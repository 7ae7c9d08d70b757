-- title: Brief seats: every current seat by ID, with its holder's substantive role, organisation and other seats
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group
-- search: '|' || s.forum_id || '|'
-- search: '|' || s.organisation_id || '|'
-- search: '|' || s.person_id || '|'
-- search: '|' || p.organisation_id || '|'
-- a brief finds one forum's, organisation's or person's seats by searching for '|ID|'; "Seniority" ranks a seat's
-- role (chairs first); "Other seats" are the holder's three most senior seats elsewhere, "More other seats" the rest.
-- The filter applies before the other seats are looked up, so a brief's few seats cost little on a large map.

WITH ranked AS (
  SELECT s.*, coalesce(array_position(['Chair', 'Co-chair', 'Independent Chair', 'Interim Chair', 'Convenor',
      'Vice Chair', 'Deputy Chair', 'Accountable Officer', 'Chief Officer', 'Chief Executive',
      'Acting Chief Executive', 'Managing Director', 'Executive Director', 'Medical Director', 'Director', 'Lead SRO',
      'SRO', 'Joint SRO', 'Provider SRO', 'Programme Director', 'Clinical lead', 'Co-clinical lead'], s.role),
    99) AS rank
  FROM seats s),
chosen AS (
  SELECT s.*, p.substantive_role, p.organisation_id AS holder_organisation_id, ho.name AS holder_organisation,
    f.las_attendee
  FROM ranked s
  LEFT JOIN forums f ON f.id = s.forum_id
  LEFT JOIN people p ON p.id = s.person_id
  LEFT JOIN organisations ho ON ho.id = p.organisation_id
  WHERE {where}),
elsewhere AS (
  SELECT a.id, b.role || ', ' || coalesce(b.forum_name, b.organisation_name) AS label, b.rank,
    coalesce(b.forum_name, b.organisation_name) AS place
  FROM chosen a JOIN ranked b ON b.person_id = a.person_id AND b.id <> a.id
    AND coalesce(b.forum_id, '') || '|' || coalesce(b.organisation_id, '')
        <> coalesce(a.forum_id, '') || '|' || coalesce(a.organisation_id, '')
  WHERE NOT a.is_gap),
others AS (
  SELECT id, array_to_string(list_slice(list(label ORDER BY rank, place, label), 1, 3), '; ') AS others,
    greatest(count(*) - 3, 0) AS more
  FROM elsewhere GROUP BY id)
SELECT {scope}s.id AS "Seat ID", s.person_id AS "Person ID", s.forum_id AS "Forum ID",
  s.organisation_id AS "Organisation ID", coalesce(s.forum_name, s.organisation_name) AS "Where", s.role AS "Role",
  s.rank AS "Seniority", s.organisation_name AS "Seat organisation", s.person_display AS "Holder",
  s.substantive_role AS "Substantive role", s.holder_organisation_id AS "Holder's organisation ID",
  s.holder_organisation AS "Holder's organisation", s.programme AS "Programme", s.area AS "Area",
  s.eff_footprint AS "Footprint", s.note AS "Note", o.others AS "Other seats", coalesce(o.more, 0) AS "More other seats",
  s.las_attendee AS "LAS attendee role", s.source AS "Source"
FROM chosen s
LEFT JOIN others o ON o.id = s.id
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint),
  "Where", s.rank, s.id
