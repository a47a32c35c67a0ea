internal let _placeholder = 0
