import Foundation

/// The sign-in page: an e-mail address, to which a link is sent.
struct SignInPage: Page {
    static let template = "sign-in"
    var title = "Connexion"
    /// No menu: nobody is signed in yet.
    var nav: Navigation? = nil
    var csrf: String
    var email: String
    /// What is wrong with the address, said at the field.
    var emailError: String?
    /// Why the previous step failed (an expired link…), said at the top.
    var notice: String?
    /// Signing in with the university's CAS, when it is configured.
    var cas: Bool = false
}

/// Said whether an account exists or not: the link is on its way if one does.
struct LinkSentPage: Page {
    static let template = "link-sent"
    var title = "Vérifiez votre messagerie"
    /// No menu: nobody is signed in yet.
    var nav: Navigation? = nil
    var email: String
    var minutes: Int
}

/// The page a link opens: one button signs in. (Opening a link only shows this page, so that a
/// mail scanner fetching the link does not use it up.)
struct LinkPage: Page {
    static let template = "link"
    var title = "Se connecter"
    /// No menu: nobody is signed in yet.
    var nav: Navigation? = nil
    var csrf: String
    var secret: String
}
