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
            "citibank", "schwab", "nasdaq", "nyse", "janney montgomery scott", "hilltop", "smith barney", "dean witter", "salomon brothers",
            "lehman brothers", "bear stearns",
            "kidder peabody", "paine webber", "dean witter reynolds", "ab bernstein", "alliance bernstein", "cowen and company", "b riley securities",
        ]
        return Set(names.map { $0.split(separator: " ").map(String.init) })
    }()

    static let companySuffixes: WordSet = [
        "llc", "inc", "ltd", "plc", "corp", "co", "company", "group", "partners", "capital", "securities", "holdings", "bank", "gmbh", "ag",
        "sa", "lp", "llp", "fund", "funds", "advisors", "associates", "management", "financial", "trust", "deal", "account", "family",
        "sons", "brothers", "bros", "daughters", "partner", "ventures", "investments", "consulting", "solutions", "technologies", "labs",
        "industries", "enterprises", "systems", "law", "legal", "realty", "insurance", "foundation", "institute", "bv", "nv", "srl",
        "spa", "kg", "oy", "ab", "as", "pty", "limited", "incorporated", "corporation",
    ]

    /// Capitalised words that start sentences or name things, not people.
    static let notNames: WordSet = [
        "the", "this", "that", "please", "pls", "thanks", "thank", "hi", "hello", "hey", "dear", "team", "client", "customer", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december", "mr", "mrs", "ms", "dr", "street", "avenue", "road", "all", "everyone",
        "guys", "folks", "you", "again", "compliance",
        "legal", "ops", "support", "sales", "trading", "desk", "risk", "finance", "it", "hr", "i", "we", "ok", "okay", "sure", "yes", "no",
        "today", "tomorrow", "tmrw", "tonight", "later", "soon", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "hr", "admin", "bot", "mods", "channel",
        "here", "general", "random",
        "hq", "ceo", "cfo", "coo", "cto", "vp", "svp", "evp", "md", "pm", "qa", "dev", "devs", "eng", "ops", "bd", "ir", "pr", "lol", "omg",
        "fyi", "asap", "eod", "eow", "ooo", "wfh", "btw", "imo", "tbh", "nvm", "christmas", "easter", "thanksgiving", "halloween",
        "ramadan", "diwali", "hanukkah", "isin", "cusip", "sedol", "lei", "iban", "bic", "swift", "figi", "fed", "ecb", "sec", "finra", "fca", "cftc",
        "irs", "gdpr", "hipaa", "kyc", "aml",
    ]

    /// Products, brands and services that share a word with people's names (`Tesla`,
    /// `Alexa`, `Dell`, `Jira`): never a person on their own.
    static let products: WordSet = [
        "tesla", "alexa", "siri", "cortana", "porsche", "ferrari", "lexus", "toyota", "honda", "ford", "chevy", "chevrolet",
        "audi", "bmw", "dell", "lenovo", "compaq", "jira", "confluence", "salesforce", "oracle", "cisco", "adobe", "zoom", "webex", "slack",
        "teams", "outlook", "excel", "office", "windows", "android", "iphone", "ipad", "macbook", "linux", "ubuntu", "debian", "python",
        "java", "kafka", "redis", "postgres", "mysql", "github", "gitlab", "docker", "kubernetes", "jenkins", "splunk", "tableau",
        "workday", "sharepoint", "onedrive", "dropbox", "google", "gmail", "amazon", "microsoft", "apple", "meta", "facebook",
        "instagram", "whatsapp", "telegram", "signal", "skype", "discord", "twitter", "linkedin", "uber", "lyft", "airbnb", "netflix",
        "spotify", "paypal", "venmo", "zelle", "stripe", "square", "visa", "mastercard", "amex", "discover", "maestro", "bloomberg",
        "reuters", "refinitiv", "eikon", "factset", "morningstar", "symphony", "chatgpt", "gemini", "copilot", "bard", "watson",
        "chanel", "prada", "gucci", "dior", "cartier", "rolex", "nike", "adidas", "puma", "reebok", "boeing", "airbus",
        "fedex", "dhl", "ups", "usps", "costco", "walmart", "target", "kroger", "starbucks", "mcdonalds", "wendys", "dennys",
        "marriott", "hilton", "hyatt", "wyndham", "sheraton", "westin", "ritz", "kraken", "coinbase", "binance", "robinhood", "etrade",
        "ameritrade", "wealthfront", "betterment", "acorns", "sofi", "chime", "revolut", "monzo", "wise", "klarna", "affirm", "nasdaq",
        "dow", "nikkei", "ftse", "dax", "cac", "stoxx", "kospi", "sensex", "bovespa",
    ]

    /// The first word of each firm's name, to find firms in a message quickly.
    static let firstWords = WordSet(firms.map { $0[0] })

    /// Which tokens of the message belong to a firm's name (`heard Robert W. Baird is
    /// hiring`: `Robert`, `W`, `Baird`), or `nil` when none does.
    static func covered(in text: ScannedText) -> [Bool]? {
        var covered: [Bool]?
        let tokens = text.tokens
        for index in tokens.indices where firstWords.contains(tokens[index], in: text) {
            for length in stride(from: min(5, tokens.count - index), through: 1, by: -1)
            where firms.contains(tokens[index..<index + length].map { text.folded($0) }) {
                if covered == nil { covered = Array(repeating: false, count: tokens.count) }
                for k in index..<index + length { covered![k] = true }
                break
            }
        }
        return covered
    }

    /// Whether the words of `tokens` hold a firm's name.
    static func contains(_ tokens: ArraySlice<ScannedText.Token>, in text: ScannedText) -> Bool {
        // Every firm's name starts with one of `firstWords`: most runs of words hold none.
        guard tokens.contains(where: { firstWords.contains($0, in: text) }) else { return false }
        return contains(tokens.map { text.folded($0) })
    }

    static func contains(_ words: [String]) -> Bool {
        for length in 1...words.count {
            for start in 0...(words.count - length) where firms.contains(Array(words[start..<start + length])) {
                return true
            }
        }
        return false
    }
}
