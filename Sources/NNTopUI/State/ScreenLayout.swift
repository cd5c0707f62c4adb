/// Where each pane goes for the current terminal size and state. Shared by the renderer and the reducer
/// (page size, mouse hit-testing) so both agree on every rectangle.
struct ScreenLayout: Equatable {
    /// Model name, counts, memory and runner state.
    let header: Rect
    /// A red line for the first NaN/Inf module or a failed forward, when there is one.
    let alert: Rect?
    /// The tree pane including its column heading line.
    let tree: Rect?
    let detail: Rect?
    let hottest: Rect?
    let status: Rect
    /// One-column vertical lines between side-by-side panes.
    let dividers: [Rect]

    static let headerHeight = 2
    /// Width of the side column on wide terminals.
    static let sideWidth = 44
    static let hottestWidth = 38

    /// Tree lines below the heading.
    var treeBody: Rect {
        guard let tree else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return tree.splitTop(1).1
    }

    init(state: AppState) {
        let size = state.size
        let screen = Rect(x: 0, y: 0, width: size.width, height: size.height)
        let (header, rest) = screen.splitTop(Self.headerHeight)
        let (content, status) = rest.splitTop(rest.height - 1)
        self.header = header
        self.status = status
        var body = content
        if Self.hasAlert(state) {
            let (alert, below) = body.splitTop(1)
            self.alert = alert
            body = below
        } else {
            alert = nil
        }
        var dividers: [Rect] = []
        if size.width >= 130 {
            let (tree, rest) = body.splitLeft(body.width - Self.sideWidth - 1)
            let (divider, side) = rest.splitLeft(1)
            let (detail, hottest) = side.splitTop(side.height * 3 / 5)
            (self.tree, self.detail, self.hottest) = (tree, detail, hottest)
            dividers.append(divider)
        } else if body.height >= 18 {
            let (tree, bottom) = body.splitTop(body.height - min(12, body.height * 2 / 5))
            if bottom.width >= 80 {
                let (detail, rest) = bottom.splitLeft(bottom.width - Self.hottestWidth - 1)
                let (divider, hottest) = rest.splitLeft(1)
                (self.tree, self.detail, self.hottest) = (tree, detail, hottest)
                dividers.append(divider)
            } else if state.focus == .hottest {
                (self.tree, self.detail, self.hottest) = (tree, nil, bottom)
            } else {
                (self.tree, self.detail, self.hottest) = (tree, bottom, nil)
            }
        } else {
            // Too short for two panes: the focused one takes the whole body.
            switch state.focus {
            case .tree: (self.tree, self.detail, self.hottest) = (body, nil, nil)
            case .detail: (self.tree, self.detail, self.hottest) = (nil, body, nil)
            case .hottest: (self.tree, self.detail, self.hottest) = (nil, nil, body)
            }
        }
        self.dividers = dividers
    }

    private static func hasAlert(_ state: AppState) -> Bool { AlertLine.alert(state) != nil }
}
