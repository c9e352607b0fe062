//! Names of things: companies, organisations, projects, repositories, people, teams. Every name
//! is a pure function of its position, so any part of the estate can name any other part (a
//! runner group's selected repositories, a collaborator's login) without shared state.

/// Company names the estate's organisations are named after (picked by the seed).
const COMPANIES: &[&str] = &[
    "northwind",
    "contoso",
    "globex",
    "initech",
    "tailspin",
    "wingtip",
    "adatum",
    "litware",
    "proseware",
    "woodgrove",
    "lamna",
    "relecloud",
];

/// Suffixes of the GitHub organisations of one company (the first is the company itself).
const GITHUB_ORG_SUFFIXES: &[&str] = &[
    "",
    "-platform",
    "-labs",
    "-data",
    "-mobile",
    "-retail",
    "-cloud",
    "-security",
    "-oss",
    "-internal",
    "-research",
    "-payments",
];

/// Suffixes of the Azure DevOps organisations of one company.
const AZURE_ORG_SUFFIXES: &[&str] = &["-dev", "-eng"];

/// Azure DevOps project names.
const PROJECTS: &[&str] = &[
    "Commerce",
    "Payments",
    "Identity",
    "Logistics",
    "Analytics",
    "Mobile",
    "Platform",
    "Retail",
    "Billing",
    "Support",
    "Marketing",
    "Inventory",
    "Warehouse",
    "Pricing",
    "Search",
    "Fulfilment",
    "Loyalty",
    "Catalog",
    "Checkout",
    "Risk",
];

/// First half of repository names.
const REPO_PREFIXES: &[&str] = &[
    "payments",
    "ledger",
    "auth",
    "billing",
    "checkout",
    "cart",
    "catalog",
    "search",
    "inventory",
    "orders",
    "shipping",
    "pricing",
    "accounts",
    "profile",
    "notifications",
    "email",
    "sms",
    "reports",
    "analytics",
    "metrics",
    "events",
    "audit",
    "identity",
    "session",
    "gateway",
    "partner",
    "vendor",
    "customer",
    "admin",
    "support",
    "chat",
    "media",
    "image",
    "video",
    "document",
    "storage",
    "backup",
    "config",
    "feature-flags",
    "scheduler",
    "queue",
    "stream",
    "ingest",
    "etl",
    "warehouse",
    "ml",
    "recommendation",
    "fraud",
    "risk",
    "tax",
    "invoice",
    "subscription",
    "loyalty",
    "coupon",
    "review",
    "rating",
    "geo",
    "maps",
    "routing",
    "fleet",
];

/// Second half of repository names.
const REPO_SUFFIXES: &[&str] = &[
    "api",
    "service",
    "worker",
    "web",
    "frontend",
    "ui",
    "app",
    "sdk",
    "cli",
    "lib",
    "core",
    "client",
    "server",
    "gateway",
    "jobs",
    "pipeline",
    "infra",
    "terraform",
    "helm",
    "k8s",
    "docs",
    "tests",
    "e2e",
    "proto",
    "schemas",
    "mobile",
    "android",
    "ios",
    "lambda",
    "functions",
];

/// First names of people.
const FIRST: &[&str] = &[
    "maria", "tom", "priya", "li", "jonas", "sam", "emma", "noah", "olivia", "lucas", "ava",
    "ethan", "mia", "liam", "sofia", "omar", "hana", "yuki", "arjun", "chen", "fatima", "diego",
    "lena", "marco", "nina", "pavel", "rosa", "samir", "tara", "viktor", "zoe", "aisha", "ben",
    "carla", "dmitri", "elif", "felix", "grace", "hugo", "ines", "jin", "kofi", "laura", "mateo",
    "nora", "oscar", "paula", "quinn", "raj", "sara", "theo", "uma", "vera", "wei", "ximena",
    "yusuf", "zara", "anna", "bruno", "clara",
];

/// Last names of people.
const LAST: &[&str] = &[
    "chen", "baker", "patel", "wei", "berg", "okafor", "rossi", "kim", "brown", "silva", "novak",
    "wright", "schmidt", "garcia", "muller", "tanaka", "khan", "nguyen", "santos", "ivanov",
    "jensen", "kowalski", "larsen", "moreau", "nakamura", "olsen", "pereira", "quinn", "rahman",
    "sato", "torres", "uddin", "vargas", "weber", "yilmaz", "zhang", "adams", "becker", "costa",
    "dubois", "evans", "fischer", "gomez", "hansen", "ito", "jones", "keller", "lopez", "meyer",
    "nowak", "ortiz", "park", "ramos", "smith", "taylor", "vogel", "walker", "young", "ali", "fox",
];

/// Team slugs.
const TEAMS: &[&str] = &[
    "engineering",
    "platform",
    "payments",
    "security",
    "frontend",
    "backend",
    "mobile",
    "data",
    "sre",
    "qa",
    "devex",
    "ml",
    "infra",
    "identity",
    "growth",
    "checkout",
    "search",
    "billing",
    "analytics",
    "release",
    "support-eng",
    "architecture",
    "api",
    "integrations",
    "observability",
    "compliance",
    "design-system",
    "docs",
    "performance",
    "reliability",
];

/// `name` for `i < list.len()`, else `name-<round + 1>` for the later rounds.
fn indexed(list: &[&str], i: u64) -> String {
    let len = list.len() as u64;
    let base = list[(i % len) as usize];
    match i / len {
        0 => base.to_string(),
        round => format!("{base}-{}", round + 1),
    }
}

/// The company the estate belongs to.
pub(crate) fn company(seed: u64) -> &'static str {
    COMPANIES[(crate::rng::mix(seed) % COMPANIES.len() as u64) as usize]
}

/// Name of the `i`-th GitHub organisation.
pub(crate) fn github_org(company: &str, i: usize) -> String {
    match GITHUB_ORG_SUFFIXES.get(i) {
        Some(suffix) => format!("{company}{suffix}"),
        None => format!("{company}-unit-{:02}", i + 1),
    }
}

/// Name of the `i`-th Azure DevOps organisation.
pub(crate) fn azure_org(company: &str, i: usize) -> String {
    match AZURE_ORG_SUFFIXES.get(i) {
        Some(suffix) => format!("{company}{suffix}"),
        None => format!("{company}-ado-{}", i + 1),
    }
}

/// Name of the `i`-th project of an Azure DevOps organisation.
pub(crate) fn project(i: u64) -> String {
    indexed(PROJECTS, i)
}

/// Name of the `local`-th repository of an organisation (or project). `salt` shifts the order
/// per organisation so organisations do not all start with the same names. Unique per
/// organisation: the prefix × suffix combinations are walked with a stride coprime to their
/// count, then repeated with a numeric suffix.
pub(crate) fn repo(salt: u64, local: u64) -> String {
    let p = REPO_PREFIXES.len() as u64;
    let s = REPO_SUFFIXES.len() as u64;
    let total = p * s;
    let stride = coprime_stride(total);
    let combo = (local % total)
        .wrapping_mul(stride)
        .wrapping_add(salt % total)
        % total;
    let base = format!(
        "{}-{}",
        REPO_PREFIXES[(combo / s) as usize],
        REPO_SUFFIXES[(combo % s) as usize]
    );
    match local / total {
        0 => base,
        round => format!("{base}-{}", round + 1),
    }
}

/// A stride near 0.618 × n that is coprime to `n`.
fn coprime_stride(n: u64) -> u64 {
    let mut k = (n * 618 / 1000).max(1);
    while gcd(k, n) != 1 {
        k += 1;
    }
    k
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `(first, last)` name of the `i`-th person of an organisation, and the round for repeats.
fn person(salt: u64, i: u64) -> (&'static str, &'static str, u64) {
    let f = FIRST.len() as u64;
    let l = LAST.len() as u64;
    let total = f * l;
    let combo = (i % total)
        .wrapping_mul(coprime_stride(total))
        .wrapping_add(salt % total)
        % total;
    (
        FIRST[(combo / l) as usize],
        LAST[(combo % l) as usize],
        i / total,
    )
}

/// GitHub login of the `i`-th member of an organisation.
pub(crate) fn login(salt: u64, i: u64) -> String {
    match person(salt, i) {
        (f, l, 0) => format!("{f}-{l}"),
        (f, l, round) => format!("{f}-{l}-{}", round + 1),
    }
}

/// GitHub login of the `i`-th outside collaborator of an organisation.
pub(crate) fn outside_login(salt: u64, i: u64) -> String {
    let (f, l, round) = person(salt.wrapping_add(7919), i);
    match round {
        0 => format!("{f}{l}-ext"),
        r => format!("{f}{l}-ext{}", r + 1),
    }
}

/// Azure DevOps principal name (e-mail) of the `i`-th user of an organisation.
pub(crate) fn email(salt: u64, i: u64, domain: &str) -> String {
    match person(salt, i) {
        (f, l, 0) => format!("{f}.{l}@{domain}"),
        (f, l, round) => format!("{f}.{l}{}@{domain}", round + 1),
    }
}

/// Slug of the `i`-th team of an organisation.
pub(crate) fn team(i: u64) -> String {
    indexed(TEAMS, i)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn repository_names_are_unique_per_org() {
        let names: BTreeSet<String> = (0..6_000).map(|i| repo(12345, i)).collect();
        assert_eq!(names.len(), 6_000);
        assert!(names.iter().all(|n| n.contains('-')));
    }

    #[test]
    fn logins_are_unique_per_org() {
        let logins: BTreeSet<String> = (0..5_000).map(|i| login(9, i)).collect();
        assert_eq!(logins.len(), 5_000);
        let outside: BTreeSet<String> = (0..500).map(|i| outside_login(9, i)).collect();
        assert!(outside.is_disjoint(&logins));
    }

    #[test]
    fn org_names() {
        assert_eq!(github_org("acme", 0), "acme");
        assert_eq!(github_org("acme", 1), "acme-platform");
        assert_eq!(github_org("acme", 40), "acme-unit-41");
        assert_eq!(azure_org("acme", 0), "acme-dev");
        assert_eq!(project(0), "Commerce");
        assert_eq!(project(20), "Commerce-2");
        assert_eq!(team(30), "engineering-2");
    }
}
