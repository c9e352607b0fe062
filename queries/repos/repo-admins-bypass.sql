-- id: repo-admins-bypass
-- title: Administrators or bypass actors are exempt from default-branch protection
-- severity: medium
-- platforms: github
-- description: Protection that does not apply to admins (or a ruleset with bypass actors) lets a single privileged account, or its stolen token, push unreviewed code.
-- remediation: Tick Do not allow bypassing the above settings (classic protection) and remove bypass actors from the default branch's rulesets,
--   or limit them to pull-request-only bypass.
-- tactics: privilege-escalation, defense-evasion
-- references: CIS SSCS 1.1.14; Scorecard Branch-Protection; Legitify repository_not_enforce_admins
WITH pol AS (
    SELECT platform, host, org, repo,
           count(*) AS policies,
           bool_or(source LIKE 'classic%' AND enforce_admins = false) AS admins_exempt,
           bool_or(source LIKE 'classic%' AND enforce_admins IS NULL) AS admins_unknown,
           max(coalesce(cardinality(bypass_actors), 0)) AS bypass
    FROM branch_policies
    WHERE applies_to_default_branch = true AND coalesce(enforcement, 'active') = 'active'
    GROUP BY platform, host, org, repo
)
SELECT
    'repository' AS resource_type,
    r.org || '/' || r.repo AS resource,
    CASE
        WHEN p.policies IS NULL THEN 'default branch has no active protection'
        WHEN p.admins_exempt AND p.bypass > 0 THEN 'admins are exempt and ' || CAST(p.bypass AS VARCHAR) || ' bypass actor(s) configured'
        WHEN p.admins_exempt THEN 'protection is not enforced for administrators'
        WHEN p.bypass > 0 THEN CAST(p.bypass AS VARCHAR) || ' bypass actor(s) configured'
        WHEN p.admins_unknown THEN 'admin enforcement could not be read'
        ELSE 'protection applies to everyone'
    END AS reason,
    CASE
        WHEN p.policies IS NULL THEN 'fail'
        WHEN p.admins_exempt OR p.bypass > 0 THEN 'fail'
        WHEN p.admins_unknown THEN 'unknown'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.repo
FROM repositories r
LEFT JOIN pol p ON p.platform = r.platform AND p.host = r.host AND p.org = r.org AND p.repo = r.repo
WHERE r.platform = 'github'
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
