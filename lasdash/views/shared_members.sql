-- title: Forums and organisations that share members
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

WITH m AS (
  SELECT DISTINCT s.person_id, s.person_display, coalesce(s.forum_id, s.organisation_id) AS place_id,
    coalesce(s.forum_name, s.organisation_name) AS place,
    CASE WHEN s.forum_id IS NOT NULL THEN f.footprint ELSE o.footprint END AS place_footprint
  FROM seats s LEFT JOIN forums f ON f.id = s.forum_id LEFT JOIN organisations o ON o.id = s.organisation_id
  WHERE NOT s.is_gap AND {where})
SELECT a.place AS "Forum or organisation", a.place_footprint AS "Footprint",
  b.place AS "Shares members with", b.place_footprint AS "Its footprint",
  count(*) AS "Shared members", string_agg(a.person_display, '; ' ORDER BY a.person_display) AS "Who"
FROM m a JOIN m b ON a.person_id = b.person_id AND a.place_id < b.place_id
GROUP BY a.place_id, a.place, a.place_footprint, b.place_id, b.place, b.place_footprint
ORDER BY "Shared members" DESC, a.place, b.place
