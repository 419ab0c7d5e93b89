import Foundation

/// The e-mail that carries a sign-in link, in French, written from loaded values only.
struct SignInLinkMessage: Sendable, Equatable {
    var subject: String
    var body: String

    init(displayName: String, link: String, lifetime: TimeInterval) {
        let minutes = Int((lifetime / 60).rounded())
        subject = "MuséoLab – votre lien de connexion"
        body = """
            Bonjour \(displayName),

            Pour vous connecter au MuséoLab, ouvrez ce lien dans les \(minutes) minutes :
            \(link)

            Le lien ne sert qu'une fois. Si vous n'avez pas demandé à vous connecter, ignorez ce message : personne ne peut entrer sans ce lien.

            Le MuséoLab, Louvre-Lens Vallée
            """
    }
}
