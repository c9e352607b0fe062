-- id: repo-open-api-security-alerts
-- title: Open API security testing findings
-- severity: medium
-- platforms: github, azure_devops
-- description: An API security testing tool (42Crunch, StackHawk, ZAP) reported vulnerabilities in the APIs this repository defines and the findings are still open.
-- remediation: Fix the API definitions or implementation, or dismiss false positives with a reason, for every open API security finding; run the tester in pull-request checks.
-- tactics: initial-access, exfiltration
-- references: Defender: "(Preview) GitHub repositories should have API security testing findings resolved"; Defender: "(Preview) Azure DevOps repositories should have API security testing findings resolved"
-- param: api_tools = 42crunch,42crunch rest api static security testing,stackhawk,hawkscan,zap,owasp zap
WITH api AS (
    SELECT platform, host, org, coalesce(project, '') AS project, repo,
           count(*) FILTER (WHERE state = 'open') AS open_n
    FROM alerts
    WHERE kind = 'code_scanning'
      AND array_has(string_to_array({{api_tools}}, ','), lower(tool))
    GROUP BY platform, host, org, coalesce(project, ''), repo
)
SELECT
    'repository' AS resource_type,
    concat_ws('/', r.org, r.project, r.repo) AS resource,
    CASE
        WHEN a.open_n > 0 THEN CAST(a.open_n AS VARCHAR) || ' open API security finding(s)'
        ELSE 'no open API security findings'
    END AS reason,
    CASE
        WHEN a.open_n > 0 THEN 'fail'
        ELSE 'pass'
    END AS status,
    r.platform, r.host, r.org, r.project, r.repo
FROM repositories r
LEFT JOIN api a ON a.platform = r.platform AND a.host = r.host AND a.org = r.org
    AND a.project = coalesce(r.project, '') AND a.repo = r.repo
WHERE r.platform IN ('github', 'azure_devops')
  AND coalesce(r.is_archived, false) = false AND coalesce(r.is_disabled, false) = false
