/// Names of banks, brokers and other firms that look like a person's name, and words that
/// end a company name. Used to keep the person recognizer precise.
enum FirmNames {
    static let firms: Set<[String]> = {
        let names = [
            "morgan stanley", "jp morgan", "j p morgan", "jpmorgan", "goldman sachs", "raymond james", "edward jones", "piper sandler",
            "charles schwab", "wells fargo", "merrill lynch", "merrill", "stifel", "baird", "robert w baird", "jefferies", "oppenheimer",
            "fidelity", "vanguard", "lazard", "evercore", "cowen", "blackrock", "state street", "t rowe price", "janney",
            "william blair", "keefe bruyette", "brown brothers harriman", "morgan keegan", "sandler o neill", "credit suisse",
            "deutsche bank", "bank of america", "barclays", "lloyds", "hsbc", "nomura", "mizuho", "macquarie", "santander",
            "bnp paribas", "societe generale", "citadel", "two sigma", "ameriprise", "lpl financial", "northern trust", "thomson reuters",
            "bloomberg", "jane street", "susquehanna", "virtu", "d e shaw", "renaissance", "bridgewater", "pimco", "invesco", "franklin templeton",
            "allen company", "houlihan lokey", "moelis", "perella weinberg", "guggenheim", "cantor fitzgerald", "b riley", "needham",
            "wedbush", "roth capital", "craig hallum", "ladenburg thalmann", "truist", "regions", "key bank", "fifth third", "capital one",
            "dow jones", "standard poor", "fitch", "moody", "moodys", "ernst young", "price waterhouse", "deloitte", "kpmg", "chase", "citi",
            "citibank", "schwab", "nasdaq", "nyse",
        ]
        return Set(names.map { $0.split(separator: " ").map(String.init) })
    }()

    static let companySuffixes: WordSet = [
        "llc", "inc", "ltd", "plc", "corp", "co", "company", "group", "partners", "capital", "securities", "holdings", "bank", "gmbh", "ag",
        "sa", "lp", "llp", "fund", "funds", "advisors", "associates", "management", "financial", "trust", "deal", "account", "family",
    ]

    /// Capitalised words that start sentences or name things, not people.
    static let notNames: WordSet = [
        "the", "this", "that", "please", "pls", "thanks", "thank", "hi", "hello", "hey", "dear", "team", "client", "customer", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december", "mr", "mrs", "ms", "dr", "street", "avenue", "road", "all", "everyone",
        "guys", "folks", "you", "again", "compliance",
        "legal", "ops", "support", "sales", "trading", "desk", "risk", "finance", "it", "hr", "i", "we", "ok", "okay", "sure", "yes", "no",
        "today", "tomorrow", "tmrw", "tonight", "later", "soon",
    ]

    static func contains(_ words: [String]) -> Bool {
        for length in 1...words.count {
            for start in 0...(words.count - length) where firms.contains(Array(words[start..<start + length])) {
                return true
            }
        }
        return false
    }
}
